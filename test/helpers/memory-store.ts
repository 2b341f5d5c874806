import { createHash } from 'node:crypto';
import {
  PreconditionFailedError,
  type GetOptions,
  type ObjectStore,
  type ObjectSummary,
  type PutOptions,
  type StoredObject,
} from '../../src/ports.ts';

/**
 * The ObjectStore port in memory, for unit tests of what the desk and the publish stage write. It keeps the port's
 * promises as S3 does (test/integration/object-store.contract.test.ts runs the same checks against both, S3 being s3rver with
 * the local conditional writes):
 * - conditional writes (ifNoneMatch, ifMatch) fail with PreconditionFailedError, ifMatch also when the key is gone;
 *   the check and the write are one step, so of two racing create-only puts exactly one wins;
 * - the ETag is the quoted MD5 of the body, so writing the same bytes again keeps it, as a single-part S3 upload does;
 * - lastModified is the clock's time to the whole second, the precision S3 reports;
 * - user metadata comes back with lower-cased names, and only when there is some;
 * - listings are in the byte order of the keys' UTF-8, as S3 lists them;
 * - what goes in and what comes out are copies: a caller's later change to a buffer never reaches the store.
 */
export class MemoryStore implements ObjectStore {
  readonly objects = new Map<string, StoredObject>();

  constructor(private readonly clock: () => Date = () => new Date()) {}

  async get(key: string, options: GetOptions = {}): Promise<StoredObject | undefined> {
    const object = this.objects.get(key);
    if (!object) return undefined;
    const copy = { ...object, ...(object.metadata && { metadata: { ...object.metadata } }) };
    if (options.maxBytes !== undefined && object.body.byteLength > options.maxBytes) {
      return { ...copy, body: new Uint8Array(), tooLarge: { bytes: object.body.byteLength } };
    }
    return { ...copy, body: object.body.slice() };
  }

  async put(key: string, body: string | Uint8Array, options: PutOptions): Promise<{ etag: string }> {
    const current = this.objects.get(key);
    if (options.ifNoneMatch === '*' && current) {
      throw new PreconditionFailedError(`${key}: PreconditionFailed (the key exists)`);
    }
    if (options.ifMatch !== undefined && (!current || bareEtag(current.etag) !== bareEtag(options.ifMatch))) {
      throw new PreconditionFailedError(`${key}: ${current ? 'PreconditionFailed (another version)' : 'NoSuchKey'}`);
    }
    const bytes = typeof body === 'string' ? new TextEncoder().encode(body) : body.slice();
    const etag = `"${createHash('md5').update(bytes).digest('hex')}"`;
    const metadata = Object.entries(options.metadata ?? {}).map(
      ([name, value]) => [name.toLowerCase(), value] as const,
    );
    this.objects.set(key, {
      key,
      body: bytes,
      etag,
      lastModified: wholeSecond(this.clock()),
      contentType: options.contentType,
      ...(options.cacheControl !== undefined && { cacheControl: options.cacheControl }),
      ...(metadata.length > 0 && { metadata: Object.fromEntries(metadata) }),
    });
    return { etag };
  }

  async delete(key: string): Promise<void> {
    this.objects.delete(key);
  }

  async *list(prefix: string): AsyncIterable<ObjectSummary> {
    for (const key of this.keys(prefix)) {
      const object = this.objects.get(key);
      if (object) yield { key, etag: object.etag, lastModified: object.lastModified, size: object.body.byteLength };
    }
  }

  keys(prefix = ''): string[] {
    return [...this.objects.keys()].filter((key) => key.startsWith(prefix)).sort(byUtf8);
  }

  text(key: string): string | undefined {
    const object = this.objects.get(key);
    return object && new TextDecoder().decode(object.body);
  }
}

function wholeSecond(date: Date): Date {
  return new Date(Math.floor(date.getTime() / 1000) * 1000);
}

function bareEtag(etag: string): string {
  const trimmed = etag.trim();
  return trimmed.length >= 2 && trimmed.startsWith('"') && trimmed.endsWith('"') ? trimmed.slice(1, -1) : trimmed;
}

function byUtf8(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}
