import { createHash, createHmac } from 'node:crypto';
import type { CreateInvalidationCommandInput } from '@aws-sdk/client-cloudfront';
import { SignatureV4 } from '@smithy/signature-v4';
import type { InvalidationClient } from './cloudfront-invalidator.ts';

/*
 * CloudFront's CreateInvalidation as one HTTPS request signed by the SDK's own Signature Version 4 signer, without the
 * CloudFront SDK client: the publish function invalidates only after a correction or withdrawal, and that client was
 * about a ninth of its bundle, compiled at every cold start. The signer is already in the bundle (every client signs
 * with it). The request is the one the SDK client sends (REST-XML, API version 2020-05-31); retrying is the caller's
 * (src/pipeline/publish/invalidation.ts).
 */

const HOST = 'cloudfront.amazonaws.com';
const API_VERSION = '2020-05-31';

export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/** Where the signer gets credentials: the S3 client's provider chain in the function (src/app/publish.ts). */
export type CredentialProvider = () => Promise<AwsCredentials> | AwsCredentials;

export class CloudFrontApiError extends Error {
  override name = 'CloudFrontApiError';

  constructor(
    readonly status: number,
    readonly code: string | undefined,
    message: string,
  ) {
    super(message);
  }
}

type Data = string | ArrayBuffer | ArrayBufferView;
const bytes = (data: Data): string | Uint8Array =>
  typeof data === 'string'
    ? data
    : ArrayBuffer.isView(data)
      ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
      : new Uint8Array(data);

/** SHA-256 as the signer takes it (a hash, or an HMAC when given a key), on node's crypto. */
class NodeSha256 {
  private readonly hash;
  constructor(secret?: Data) {
    this.hash = secret === undefined ? createHash('sha256') : createHmac('sha256', bytes(secret));
  }
  update(data: Data) {
    this.hash.update(bytes(data));
  }
  async digest() {
    return new Uint8Array(this.hash.digest());
  }
}

export interface SignedRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
}

/** The signed request that creates an invalidation, as CloudFront's API takes it (its API is signed in us-east-1). */
export async function createInvalidationRequest(
  input: CreateInvalidationCommandInput,
  credentials: CredentialProvider,
  now: Date,
): Promise<SignedRequest> {
  const { DistributionId, InvalidationBatch } = input;
  if (!DistributionId || !InvalidationBatch) throw new Error('CreateInvalidation needs a distribution and a batch');
  const path = `/${API_VERSION}/distribution/${encodeURIComponent(DistributionId)}/invalidation`;
  const items = InvalidationBatch.Paths?.Items ?? [];
  const body =
    '<?xml version="1.0" encoding="UTF-8"?>' +
    `<InvalidationBatch xmlns="http://cloudfront.amazonaws.com/doc/${API_VERSION}/">` +
    `<Paths><Quantity>${items.length}</Quantity><Items>${items.map((p) => `<Path>${xmlText(p)}</Path>`).join('')}</Items></Paths>` +
    `<CallerReference>${xmlText(InvalidationBatch.CallerReference ?? '')}</CallerReference>` +
    '</InvalidationBatch>';
  const signer = new SignatureV4({
    credentials: async () => credentials(),
    region: 'us-east-1',
    service: 'cloudfront',
    sha256: NodeSha256,
  });
  const signed = await signer.sign(
    {
      method: 'POST',
      protocol: 'https:',
      hostname: HOST,
      path,
      headers: { host: HOST, 'content-type': 'application/xml' },
      body,
    },
    { signingDate: now },
  );
  return { url: `https://${HOST}${path}`, headers: signed.headers as Record<string, string>, body };
}

const XML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };
const xmlText = (text: string) => text.replace(/[&<>"']/g, (c) => XML_ESCAPES[c]!);

/** The text of the first `<name>` element of an XML answer, if there is one. */
function xmlElement(xml: string, name: string): string | undefined {
  const start = xml.indexOf(`<${name}>`);
  if (start < 0) return undefined;
  const end = xml.indexOf(`</${name}>`, start);
  return end < 0 ? undefined : xml.slice(start + name.length + 2, end);
}

/** The invalidator's client: sends each CreateInvalidation as a signed request. */
export class CloudFrontApi implements InvalidationClient {
  constructor(
    private readonly credentials: CredentialProvider,
    private readonly clock: () => Date = () => new Date(),
    private readonly post: typeof fetch = fetch,
  ) {}

  async send(command: { input: CreateInvalidationCommandInput }): Promise<void> {
    const request = await createInvalidationRequest(command.input, this.credentials, this.clock());
    // Signed, but set by the HTTP client from the URL, as it is for every request.
    const { host: _host, ...headers } = request.headers;
    const response = await this.post(request.url, { method: 'POST', headers, body: request.body });
    if (response.ok) return;
    const answer = await response.text().catch(() => '');
    const code = xmlElement(answer, 'Code');
    throw new CloudFrontApiError(
      response.status,
      code,
      `CloudFront refused the invalidation: ${response.status} ${code ?? ''} ${xmlElement(answer, 'Message') ?? ''}`.trim(),
    );
  }
}
