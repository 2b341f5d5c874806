// The edge of the deployment: the subscribe rate limit (WAF), the body hash that lets form posts through origin
// access control, and the Content-Security-Policy of every page, as the synthesized templates have them.
import { createHash } from 'node:crypto';
import { rmSync } from 'node:fs';
import { Template } from 'aws-cdk-lib/assertions';
import { withoutAwsCredentials } from '../helpers/no-aws-credentials.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BODY_HASH_HANDLER } from '../../infra/constructs/edge-body-hash.ts';
import { readSettings } from '../../infra/settings.ts';
import { synthesizeBroadsheet, type Synthesised } from '../../infra/synth.ts';
import { SITE_CONTENT_SECURITY_POLICY } from '../../src/http/site-headers.ts';

type Json = Record<string, unknown>;
type Resource = { Type: string; Properties?: Json };
type Stack = { Resources: Record<string, Resource> };

const synths: Synthesised[] = [];
// Without cdk-nag: these check what the templates say; test/integration/infra.test.ts and infra-bundle.test.ts run
// the rules over the app.
function synth(context: Record<string, unknown> = {}): { edge: Stack; pipeline: Stack } {
  const result = synthesizeBroadsheet({ context, nag: false });
  synths.push(result);
  return {
    edge: result.assembly.getStackByName('BroadsheetEdge').template as Stack,
    pipeline: result.assembly.getStackByName('BroadsheetPipeline').template as Stack,
  };
}
afterAll(() => {
  restoreCredentials();
  for (const s of synths) rmSync(s.assembly.directory, { recursive: true, force: true });
});

let edge: Stack;
let pipeline: Stack;
let restoreCredentials: () => void = () => {};
beforeAll(() => {
  restoreCredentials = withoutAwsCredentials();
  ({ edge, pipeline } = synth());
});

const resourcesOf = (stack: Stack, type: string) => Object.entries(stack.Resources).filter(([, r]) => r.Type === type);
const json = (value: unknown) => JSON.stringify(value);
const distributionConfig = (stack: Stack) =>
  resourcesOf(stack, 'AWS::CloudFront::Distribution')[0]![1].Properties!.DistributionConfig as Json;
const behaviour = (stack: Stack, path: string) =>
  (distributionConfig(stack).CacheBehaviors as Json[]).find((b) => b.PathPattern === path)!;

describe('the subscribe rate limit', () => {
  it('is a CLOUDFRONT web ACL in us-east-1 blocking a client address past 20 requests a minute to /subscribe, with 429', () => {
    const [[, acl]] = resourcesOf(edge, 'AWS::WAFv2::WebACL') as [[string, Resource]];
    expect(acl.Properties).toMatchObject({ Scope: 'CLOUDFRONT', DefaultAction: { Allow: {} } });
    const [rule] = acl.Properties!.Rules as Json[];
    expect(rule).toMatchObject({
      Action: {
        Block: { CustomResponse: { ResponseCode: 429, ResponseHeaders: [{ Name: 'retry-after', Value: '60' }] } },
      },
      Statement: {
        RateBasedStatement: {
          Limit: 20,
          EvaluationWindowSec: 60,
          AggregateKeyType: 'IP',
          ScopeDownStatement: {
            ByteMatchStatement: {
              FieldToMatch: { UriPath: {} },
              PositionalConstraint: 'EXACTLY',
              SearchString: '/subscribe',
            },
          },
        },
      },
    });
  });

  it('is attached to the distribution, read from us-east-1 at deploy time', () => {
    const [[, parameter]] = resourcesOf(edge, 'AWS::SSM::Parameter').filter(([id]) => id.startsWith('WebAclArn')) as [
      [string, Resource],
    ];
    expect(parameter.Properties!.Value).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/WebAcl/), 'Arn'] });
    const webAclId = json(distributionConfig(pipeline).WebACLId);
    const [reader] = resourcesOf(pipeline, 'Custom::AWS').filter(([id]) => webAclId.includes(id));
    expect(json(reader![1].Properties)).toContain(String(parameter.Properties!.Name));
    expect(json(reader![1].Properties)).toContain('us-east-1');
  });

  it('follows subscribeRateLimit, refuses one under WAF’s minimum of 10, and gives way to a web ACL of the deployment’s own', () => {
    const strict = synth({ subscribeRateLimit: '12' });
    expect(json(resourcesOf(strict.edge, 'AWS::WAFv2::WebACL')[0]![1].Properties)).toContain('"Limit":12');
    expect(() => readSettings((key) => ({ subscribeRateLimit: '5' })[key])).toThrow(
      /subscribeRateLimit must be a whole number from 10/,
    );
    const own = 'arn:aws:wafv2:us-east-1:123456789012:global/webacl/desk-acl/0b1c2d3e-aaaa-bbbb-cccc-1234567890ab';
    const withOwn = synth({ webAclArn: own });
    expect(resourcesOf(withOwn.edge, 'AWS::WAFv2::WebACL')).toEqual([]);
    expect(distributionConfig(withOwn.pipeline).WebACLId).toBe(own);
    expect(() =>
      readSettings((key) => ({ webAclArn: 'arn:aws:wafv2:eu-west-1:123456789012:regional/webacl/x/y' })[key]),
    ).toThrow(/scope CLOUDFRONT/);
  });
});

describe('form posts through origin access control', () => {
  const run = (request: Json) => {
    const handler = new Function('exports', 'require', `${BODY_HASH_HANDLER}; return exports.handler;`)(
      {},
      (name: string) => (name === 'crypto' ? { createHash } : undefined),
    ) as (event: unknown) => Promise<Json>;
    return handler({ Records: [{ cf: { request } }] });
  };

  it('carry the SHA-256 of their body, which CloudFront then signs; a cut body gets 413', async () => {
    const form = 'email=reader%40example.org&source=page&lang=fr';
    const signed = await run({
      method: 'POST',
      headers: {},
      body: { data: Buffer.from(form).toString('base64'), encoding: 'base64', inputTruncated: false },
    });
    const sha = createHash('sha256').update(form).digest('hex');
    expect(signed.headers).toEqual({ 'x-amz-content-sha256': [{ key: 'x-amz-content-sha256', value: sha }] });
    const empty = await run({ method: 'GET', headers: {} });
    expect((empty.headers as Json)['x-amz-content-sha256']).toEqual([
      { key: 'x-amz-content-sha256', value: createHash('sha256').update('').digest('hex') },
    ]);
    expect(
      await run({ method: 'POST', headers: {}, body: { data: 'eA==', encoding: 'base64', inputTruncated: true } }),
    ).toMatchObject({ status: '413' });
  });

  it('come from a Lambda@Edge function in us-east-1 that may write only its own logs, associated by version', () => {
    const [[fnId, fn]] = resourcesOf(edge, 'AWS::Lambda::Function') as [[string, Resource]];
    expect(fn.Properties).toMatchObject({ Handler: 'index.handler', Architectures: ['x86_64'] });
    expect(fn.Properties!.Environment).toBeUndefined();
    const [[, role]] = resourcesOf(edge, 'AWS::IAM::Role') as [[string, Resource]];
    expect(json(role.Properties!.AssumeRolePolicyDocument)).toContain('edgelambda.amazonaws.com');
    const statements = resourcesOf(edge, 'AWS::IAM::Policy').flatMap(
      ([, p]) => (p.Properties!.PolicyDocument as { Statement: Json[] }).Statement,
    );
    expect(statements.flatMap((s) => s.Action as string[]).sort()).toEqual([
      'logs:CreateLogGroup',
      'logs:CreateLogStream',
      'logs:PutLogEvents',
    ]);
    expect(json(statements[0]!.Resource)).toContain(fnId);
    const [[versionId]] = resourcesOf(edge, 'AWS::Lambda::Version') as [[string, Resource]];
    const [[, parameter]] = resourcesOf(edge, 'AWS::SSM::Parameter').filter(([id]) =>
      id.startsWith('BodyHashVersionArn'),
    ) as [[string, Resource]];
    expect(parameter.Properties!.Value).toEqual({ Ref: versionId });
    // The version's parameter name carries a digest of the code: new code, a new name, read again by the pipeline.
    const name = String(parameter.Properties!.Name);
    expect(name).toMatch(/^\/broadsheet\/Broadsheet\/edge\/body-hash-[0-9a-f]{12}\/version-arn$/);
    expect(json(behaviour(pipeline, '/subscribe').LambdaFunctionAssociations)).toContain('origin-request');
    expect(json(resourcesOf(pipeline, 'Custom::AWS').map(([, r]) => r.Properties))).toContain(name);
  });

  it('reach the handlers with the viewer’s address (CloudFront-Viewer-Address), never the Host or cookies', () => {
    const policies = resourcesOf(pipeline, 'AWS::CloudFront::OriginRequestPolicy');
    const id = (behaviour(pipeline, '/subscribe').OriginRequestPolicyId as { Ref: string }).Ref;
    const config = policies.find(([pid]) => pid === id)![1].Properties!.OriginRequestPolicyConfig as Json;
    const headers = ((config.HeadersConfig as Json).Headers as string[]).map((h) => h.toLowerCase());
    expect(headers).toEqual(
      expect.arrayContaining([
        'cloudfront-viewer-address',
        'origin',
        'sec-fetch-site',
        'content-type',
        'accept-language',
      ]),
    );
    expect(headers).not.toContain('host');
    expect(config).toMatchObject({
      CookiesConfig: { CookieBehavior: 'none' },
      QueryStringsConfig: { QueryStringBehavior: 'all' },
    });
  });
});

describe('pages served by the distribution', () => {
  it('carry the site’s Content-Security-Policy, nosniff and a referrer policy, on every behaviour that serves HTML', () => {
    const config = distributionConfig(pipeline);
    const policies = Object.fromEntries(resourcesOf(pipeline, 'AWS::CloudFront::ResponseHeadersPolicy'));
    for (const b of [config.DefaultCacheBehavior as Json, behaviour(pipeline, '/editorials/*')]) {
      const policy = policies[(b.ResponseHeadersPolicyId as { Ref: string }).Ref]!.Properties!
        .ResponseHeadersPolicyConfig as Json;
      expect(policy.SecurityHeadersConfig).toMatchObject({
        ContentSecurityPolicy: { ContentSecurityPolicy: SITE_CONTENT_SECURITY_POLICY, Override: true },
        ContentTypeOptions: { Override: true },
        ReferrerPolicy: { ReferrerPolicy: 'strict-origin-when-cross-origin' },
        FrameOptions: { FrameOption: 'DENY' },
      });
    }
    expect(SITE_CONTENT_SECURITY_POLICY).toMatch(/^default-src 'none';/);
    expect(SITE_CONTENT_SECURITY_POLICY).not.toMatch(/script-src|unsafe-eval|\*/);
    Template.fromJSON(pipeline).resourceCountIs('AWS::CloudFront::ResponseHeadersPolicy', 1);
  });
});
