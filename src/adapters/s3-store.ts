import {
  DeleteObjectCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import {
  PreconditionFailedError,
  type GetOptions,
  type ObjectStore,
  type ObjectSummary,
  type PutOptions,
  type StoredObject,
} from '../ports.ts';

interface AwsError {
  name?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
}

/** ObjectStore over one S3 bucket. */
export class S3ObjectStore implements ObjectStore {
  constructor(
    private readonly client: S3Client,
    readonly bucket: string,
  ) {}

  async get(key: string, options: GetOptions = {}): Promise<StoredObject | undefined> {
    try {
      const out = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      const size = out.ContentLength ?? 0;
      const tooLarge = options.maxBytes !== undefined && size > options.maxBytes;
      // Too large: the response is abandoned before its body is read, so memory never holds it.
      if (tooLarge) (out.Body as { destroy?: () => void } | undefined)?.destroy?.();
      const body = out.Body && !tooLarge ? await out.Body.transformToByteArray() : new Uint8Array();
      return {
        ...(tooLarge && { tooLarge: { bytes: size } }),
        key,
        body,
        lastModified: out.LastModified ?? new Date(0),
        etag: out.ETag ?? '',
        ...(out.ContentType !== undefined && { contentType: out.ContentType }),
        ...(out.CacheControl !== undefined && { cacheControl: out.CacheControl }),
        ...(out.Metadata && Object.keys(out.Metadata).length > 0 && { metadata: out.Metadata }),
      };
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  async put(key: string, body: string | Uint8Array, options: PutOptions): Promise<{ etag: string }> {
    try {
      const out = await this.client.send(
        new PutObjectCommand({
          Bucket: this.bucket,
          Key: key,
          Body: typeof body === 'string' ? Buffer.from(body, 'utf8') : body,
          ContentType: options.contentType,
          CacheControl: options.cacheControl,
          IfNoneMatch: options.ifNoneMatch,
          IfMatch: options.ifMatch,
          Metadata: options.metadata,
        }),
      );
      return { etag: out.ETag ?? '' };
    } catch (err) {
      if (isPreconditionFailure(err, options)) {
        throw new PreconditionFailedError(`${this.bucket}/${key}: ${(err as AwsError).name ?? 'precondition failed'}`, {
          cause: err,
        });
      }
      throw err;
    }
  }

  async delete(key: string): Promise<void> {
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
  }

  async *list(prefix: string): AsyncIterable<ObjectSummary> {
    let token: string | undefined;
    do {
      const out = await this.client.send(
        new ListObjectsV2Command({ Bucket: this.bucket, Prefix: prefix, ContinuationToken: token }),
      );
      for (const entry of out.Contents ?? []) {
        if (entry.Key === undefined) continue;
        yield {
          key: entry.Key,
          lastModified: entry.LastModified ?? new Date(0),
          etag: entry.ETag ?? '',
          size: entry.Size ?? 0,
        };
      }
      token = out.IsTruncated ? out.NextContinuationToken : undefined;
    } while (token);
  }
}

function isNotFound(err: unknown): boolean {
  const e = err as AwsError;
  return e?.name === 'NoSuchKey' || e?.name === 'NotFound' || e?.$metadata?.httpStatusCode === 404;
}

/**
 * S3 answers a failed condition with 412 PreconditionFailed, a conditional write racing another one on the same key
 * with 409 ConditionalRequestConflict, and If-Match on a missing key with 404 NoSuchKey: for the caller all three mean
 * "the object is not in the state you expected".
 */
function isPreconditionFailure(err: unknown, options: PutOptions): boolean {
  if (options.ifNoneMatch === undefined && options.ifMatch === undefined) return false;
  const e = err as AwsError;
  const status = e?.$metadata?.httpStatusCode;
  if (e?.name === 'PreconditionFailed' || status === 412) return true;
  if (e?.name === 'ConditionalRequestConflict' || status === 409) return true;
  return options.ifMatch !== undefined && isNotFound(err);
}
