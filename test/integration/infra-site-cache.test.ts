// The distribution in front of the public bucket keeps conditional polling cheap end to end: CloudFront answers a
// viewer's If-None-Match or If-Modified-Since with 304 from its own cache, using the ETag and Last-Modified S3 sent,
// and revalidates an expired copy with a conditional GET of its own. That holds only while the bucket's behaviours
// cache (a TTL above zero), forward no cookies (CloudFront does not support conditional requests when it forwards
// cookies), keep the validators out of the cache key and leave the response's ETag, Last-Modified and
// Cache-Control alone; and compression needs Accept-Encoding normalised into the key.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildBroadsheet } from '../../infra/broadsheet.ts';
import { DIRECTORY_INDEX } from '../../infra/constructs/site-distribution.ts';
import { readSettings } from '../../infra/settings.ts';
import { cdkJsonContext } from '../../infra/synth.ts';

type Json = Record<string, unknown>;

/** aws-cdk-lib's managed response headers policies the site uses: they add headers and remove none. */
const MANAGED_RESPONSE_HEADERS = {
  SECURITY_HEADERS: '67f7725c-6f97-4210-82d7-5512b31e9d03',
  CORS_ALLOW_ALL_ORIGINS_AND_SECURITY_HEADERS: 'e61eb60c-9c35-4d20-a928-2b84e02af89c',
};
const VALIDATORS = ['etag', 'last-modified', 'cache-control'];
/** aws-cdk-lib's managed CachingDisabled policy: partner feeds are never kept at the edge. */
const CACHING_DISABLED = '4135ea2d-6df8-44a3-9df3-4b5a84be39ad';
const PARTNERS = '/partners/*';

const outdir = mkdtempSync(join(tmpdir(), 'broadsheet-site-cache-'));
let resources: Record<string, { Type: string; Properties: Json }>;
let config: Json;

beforeAll(() => {
  const app = new App({
    outdir,
    builtinCloudFormationValidation: false,
    context: { ...cdkJsonContext(), 'aws:cdk:bundling-stacks': [] },
  });
  const { pipeline } = buildBroadsheet(
    app,
    readSettings((key) => app.node.tryGetContext(key)),
  );
  const template = Template.fromStack(pipeline).toJSON() as { Resources: typeof resources };
  resources = template.Resources;
  const [distribution] = Object.values(resources).filter((r) => r.Type === 'AWS::CloudFront::Distribution');
  config = distribution!.Properties.DistributionConfig as Json;
});

afterAll(() => rmSync(outdir, { recursive: true, force: true }));

/** The behaviours whose origin is the site bucket, by path pattern (`*` for the default one). */
function bucketBehaviours(): [string, Json][] {
  const origins = config.Origins as Json[];
  const fromBucket = (b: Json) => origins.find((o) => o.Id === b.TargetOriginId)?.S3OriginConfig !== undefined;
  const all: [string, Json][] = [
    ['*', config.DefaultCacheBehavior as Json],
    ...(config.CacheBehaviors as Json[]).map((b): [string, Json] => [String(b.PathPattern), b]),
  ];
  return all.filter(([, b]) => fromBucket(b));
}

/** The bucket behaviours CloudFront caches: all but the partners' feeds. */
function cachedBehaviours(): [string, Json][] {
  return bucketBehaviours().filter(([path]) => path !== PARTNERS);
}

function resourceOf(ref: unknown, type: string): Json | undefined {
  const id = (ref as { Ref?: string } | undefined)?.Ref;
  if (id === undefined) return undefined;
  const resource = resources[id];
  expect(resource?.Type, id).toBe(type);
  return resource!.Properties;
}

describe('the site behaviours', () => {
  it('cover the pages, ninjs and feeds, all from the bucket', () => {
    expect(
      bucketBehaviours()
        .map(([path]) => path)
        .sort(),
    ).toEqual([
      '*',
      '/archive/*',
      '/editorials/*',
      '/editorials/*/ninjs.json',
      '/feeds/*',
      '/feeds/archive/*',
      '/partners/*',
      '/topics/*/archive/*',
      '/topics/*/feeds/*',
      '/topics/*/feeds/archive/*',
    ]);
  });

  it('match archives before subscription documents, and keep no archive page longer than 5 minutes', () => {
    const order = bucketBehaviours().map(([path]) => path);
    expect(order.indexOf('/feeds/archive/*')).toBeLessThan(order.indexOf('/feeds/*'));
    expect(order.indexOf('/topics/*/feeds/archive/*')).toBeLessThan(order.indexOf('/topics/*/feeds/*'));
    const maxTtl = (path: string) => {
      const behaviour = bucketBehaviours().find(([p]) => p === path)![1];
      return (resourceOf(behaviour.CachePolicyId, 'AWS::CloudFront::CachePolicy')!.CachePolicyConfig as Json)
        .MaxTTL as number;
    };
    // A complete archive page carries whole bodies: a withdrawal must not stay cached for a day.
    for (const path of ['/archive/*', '/feeds/archive/*', '/topics/*/archive/*', '/topics/*/feeds/archive/*'])
      expect(maxTtl(path), path).toBe(300);
    expect(maxTtl('/feeds/archive/*')).toBeGreaterThanOrEqual(maxTtl('/feeds/*'));
    expect(maxTtl('/topics/*/feeds/*')).toBe(maxTtl('/feeds/*'));
  });

  it('serve folders by their index.html and send a folder named without its slash to the slash form', () => {
    const handler = new Function(`${DIRECTORY_INDEX}; return handler;`)() as (event: Json) => Json;
    const request = (uri: string) => handler({ request: { uri, headers: {} } });
    expect(request('/')).toMatchObject({ uri: '/index.html' });
    expect(request('/archive/3/')).toMatchObject({ uri: '/archive/3/index.html' });
    expect(request('/topics/%D1%83%D0%BA/')).toMatchObject({ uri: '/topics/%D1%83%D0%BA/index.html' });
    expect(request('/topics/economy')).toEqual({
      statusCode: 301,
      statusDescription: 'Moved Permanently',
      headers: { location: { value: '/topics/economy/' } },
    });
    expect(request('/feeds/rss.xml')).toMatchObject({ uri: '/feeds/rss.xml' });
    expect(request('/robots.txt')).toMatchObject({ uri: '/robots.txt' });
    const [fn] = Object.values(resources).filter((r) => r.Type === 'AWS::CloudFront::Function');
    expect(fn!.Properties.FunctionCode).toBe(DIRECTORY_INDEX);
  });

  it('serve partner feeds uncached, compressed, with CORS, for GET and HEAD', () => {
    const behaviour = bucketBehaviours().find(([path]) => path === PARTNERS)![1];
    expect(behaviour.CachePolicyId).toBe(CACHING_DISABLED);
    expect(behaviour.ResponseHeadersPolicyId).toBe(
      MANAGED_RESPONSE_HEADERS.CORS_ALLOW_ALL_ORIGINS_AND_SECURITY_HEADERS,
    );
    expect(behaviour.Compress).toBe(true);
    expect(behaviour.AllowedMethods).toEqual(['GET', 'HEAD']);
    expect(behaviour.OriginRequestPolicyId).toBeUndefined();
  });

  it('compress, with gzip and Brotli normalised into the cache key, for GET and HEAD', () => {
    for (const [path, behaviour] of cachedBehaviours()) {
      expect(behaviour.Compress, path).toBe(true);
      expect(behaviour.AllowedMethods, path).toEqual(['GET', 'HEAD']);
      const policy = resourceOf(behaviour.CachePolicyId, 'AWS::CloudFront::CachePolicy')!.CachePolicyConfig as Json;
      expect(policy.ParametersInCacheKeyAndForwardedToOrigin, path).toMatchObject({
        EnableAcceptEncodingGzip: true,
        EnableAcceptEncodingBrotli: true,
      });
    }
  });

  it('cache, honouring the object Cache-Control from zero up, so CloudFront can answer 304 itself', () => {
    for (const [path, behaviour] of cachedBehaviours()) {
      const policy = resourceOf(behaviour.CachePolicyId, 'AWS::CloudFront::CachePolicy')!.CachePolicyConfig as Json;
      expect(policy.MinTTL, path).toBe(0);
      expect(policy.DefaultTTL as number, path).toBeGreaterThan(0);
      expect(policy.MaxTTL as number, path).toBeGreaterThanOrEqual(policy.DefaultTTL as number);
    }
  });

  it('put no header, cookie or query string in the key and forward none to S3', () => {
    for (const [path, behaviour] of cachedBehaviours()) {
      const policy = resourceOf(behaviour.CachePolicyId, 'AWS::CloudFront::CachePolicy')!.CachePolicyConfig as Json;
      expect(policy.ParametersInCacheKeyAndForwardedToOrigin, path).toMatchObject({
        HeadersConfig: { HeaderBehavior: 'none' },
        CookiesConfig: { CookieBehavior: 'none' },
        QueryStringsConfig: { QueryStringBehavior: 'none' },
      });
      // An origin request policy would forward more (cookies among it); S3 needs nothing beyond what CloudFront
      // sends by itself, its own If-None-Match and If-Modified-Since when revalidating included.
      expect(behaviour.OriginRequestPolicyId, path).toBeUndefined();
      expect(behaviour.ForwardedValues, path).toBeUndefined();
    }
  });

  it("leave the object's ETag, Last-Modified and Cache-Control as S3 sent them", () => {
    for (const [path, behaviour] of bucketBehaviours()) {
      const custom = resourceOf(behaviour.ResponseHeadersPolicyId, 'AWS::CloudFront::ResponseHeadersPolicy');
      if (!custom) {
        expect(Object.values(MANAGED_RESPONSE_HEADERS), path).toContain(behaviour.ResponseHeadersPolicyId);
        continue;
      }
      const policy = custom.ResponseHeadersPolicyConfig as Json;
      const removed = ((policy.RemoveHeadersConfig as { Items?: { Header: string }[] } | undefined)?.Items ?? []).map(
        (h) => h.Header.toLowerCase(),
      );
      const set = ((policy.CustomHeadersConfig as { Items?: { Header: string }[] } | undefined)?.Items ?? []).map((h) =>
        h.Header.toLowerCase(),
      );
      for (const header of VALIDATORS) {
        expect(removed, `${path} removes ${header}`).not.toContain(header);
        expect(set, `${path} overrides ${header}`).not.toContain(header);
      }
    }
  });
});
