// The invalidation reaches CloudFront as the SDK would send it: the REST-XML body, signed with Signature Version 4.
import { describe, expect, it } from 'vitest';
import { CloudFrontApi, CloudFrontApiError, createInvalidationRequest } from '../../src/adapters/cloudfront-api.ts';

const credentials = {
  accessKeyId: 'AKIDEXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
  sessionToken: 'session-token-example',
};
const now = new Date('2026-12-07T04:10:24.123Z');
const input = {
  DistributionId: 'E2EXAMPLE',
  InvalidationBatch: {
    CallerReference: 'broadsheet-1-<&>',
    Paths: { Quantity: 2, Items: ['/editorials/2026-06-02-e/index.html', '/feeds/atom.xml'] },
  },
};

describe('the CloudFront API request', () => {
  it('posts the batch as XML to the distribution, every value escaped', async () => {
    const request = await createInvalidationRequest(input, () => credentials, now);
    expect(request.url).toBe('https://cloudfront.amazonaws.com/2020-05-31/distribution/E2EXAMPLE/invalidation');
    expect(request.body).toBe(
      '<?xml version="1.0" encoding="UTF-8"?><InvalidationBatch xmlns="http://cloudfront.amazonaws.com/doc/2020-05-31/">' +
        '<Paths><Quantity>2</Quantity><Items><Path>/editorials/2026-06-02-e/index.html</Path><Path>/feeds/atom.xml</Path></Items></Paths>' +
        '<CallerReference>broadsheet-1-&lt;&amp;&gt;</CallerReference></InvalidationBatch>',
    );
  });

  it('is signed with Signature Version 4 for CloudFront in us-east-1, session token included', async () => {
    const request = await createInvalidationRequest(input, async () => credentials, now);
    expect(request.headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/20261207\/us-east-1\/cloudfront\/aws4_request, SignedHeaders=[a-z0-9;-]*host[a-z0-9;-]*, Signature=[0-9a-f]{64}$/,
    );
    expect(request.headers['x-amz-security-token']).toBe('session-token-example');
    expect(request.headers['x-amz-date']).toBe('20261207T041024Z');
    // The same request signed again is signed alike; another body is not.
    const again = await createInvalidationRequest(input, async () => credentials, now);
    expect(again.headers.authorization).toBe(request.headers.authorization);
    const other = await createInvalidationRequest(
      { ...input, InvalidationBatch: { ...input.InvalidationBatch, CallerReference: 'another' } },
      async () => credentials,
      now,
    );
    expect(other.headers.authorization).not.toBe(request.headers.authorization);
  });

  it('refused, fails with CloudFront’s code, so the publish step retries and then logs the paths left', async () => {
    const sent: { url: string; headers: Record<string, string> }[] = [];
    const refusing = (async (url: string, init: RequestInit) => {
      sent.push({ url, headers: init.headers as Record<string, string> });
      return new Response(
        '<ErrorResponse><Error><Code>TooManyInvalidationsInProgress</Code><Message>Slow down</Message></Error></ErrorResponse>',
        { status: 400 },
      );
    }) as typeof fetch;
    const api = new CloudFrontApi(
      () => credentials,
      () => now,
      refusing,
    );
    const failure = await api.send({ input }).catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(CloudFrontApiError);
    expect(failure).toMatchObject({ status: 400, code: 'TooManyInvalidationsInProgress' });
    expect(sent).toHaveLength(1);
    expect(sent[0]!.headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/20261207\/us-east-1\/cloudfront\/aws4_request, /,
    );
  });
});
