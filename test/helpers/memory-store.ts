import { PreconditionFailedError, type GetOptions, type ObjectStore, type ObjectSummary, type PutOptions, type StoredObject } from '../../src/ports.ts';

/**
 * The ObjectStore port in memory, for unit tests of what the desk and the publish stage write: conditional writes
 * (ifNoneMatch, ifMatch) as S3 answers them, listings in key order, `maxBytes` as the S3 adapter reads it. Every
 * write gets a new ETag and a later lastModified.
 */
export class MemoryStore implements ObjectStore {
  readonly objects = new Map<string, StoredObject>();
  private version = 0;

  constructor(private readonly clock: () => Date = () => new Date()) {}

  async get(key: string, options: GetOptions = {}): Promise<StoredObject | undefined> {
    const object = this.objects.get(key);
    if (!object) return undefined;
    if (options.maxBytes !== undefined && object.body.byteLength > options.maxBytes) {
      return { ...object, body: new Uint8Array(), tooLarge: { bytes: object.body.byteLength } };
    }
    return { ...object, body: object.body.slice() };
  }

  async put(key: string, body: string | Uint8Array, options: PutOptions): Promise<{ etag: string }> {
    const current = this.objects.get(key);
    if (options.ifNoneMatch === '*' && current) throw new PreconditionFailedError(`${key} exists`);
    if (options.ifMatch !== undefined && current?.etag !== options.ifMatch) throw new PreconditionFailedError(`${key} is another version`);
    const etag = `"v${++this.version}"`;
    const bytes = typeof body === 'string' ? new TextEncoder().encode(body) : body.slice();
    const lastModified = new Date(Math.max(this.clock().getTime(), (current?.lastModified.getTime() ?? 0) + 1));
    this.objects.set(key, { key, body: bytes, etag, lastModified, contentType: options.contentType, ...(options.cacheControl && { cacheControl: options.cacheControl }) });
    return { etag };
  }

  async delete(key: string): Promise<void> {
    this.objects.delete(key);
  }

  async *list(prefix: string): AsyncIterable<ObjectSummary> {
    const keys = [...this.objects.keys()].filter((key) => key.startsWith(prefix)).sort();
    for (const key of keys) {
      const object = this.objects.get(key);
      if (object) yield { key, etag: object.etag, lastModified: object.lastModified, size: object.body.byteLength };
    }
  }

  keys(prefix = ''): string[] {
    return [...this.objects.keys()].filter((key) => key.startsWith(prefix)).sort();
  }

  text(key: string): string | undefined {
    const object = this.objects.get(key);
    return object && new TextDecoder().decode(object.body);
  }
}
