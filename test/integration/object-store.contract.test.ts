// One contract for the ObjectStore port, run against s3rver (with the local conditional writes, through the adapter
// Lambda uses) and against the in-memory store the unit tests use: what a unit test proves with one holds for the
// other.
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { S3ObjectStore } from '../../src/adapters/s3-store.ts';
import { PreconditionFailedError, type ObjectStore, type ObjectSummary } from '../../src/ports.ts';
import { useEmulators } from '../helpers/emulators.ts';
import { MemoryStore } from '../helpers/memory-store.ts';

const emulators = useEmulators();
let buckets = 0;

const implementations: [string, () => Promise<ObjectStore>][] = [
  [
    's3rver',
    async () => {
      const bucket = `contract-${++buckets}`;
      await emulators.s3.send(new CreateBucketCommand({ Bucket: bucket }));
      return new S3ObjectStore(emulators.s3, bucket);
    },
  ],
  ['in memory', async () => new MemoryStore()],
];

const text = (body: Uint8Array | undefined) => body && new TextDecoder().decode(body);

async function listAll(store: ObjectStore, prefix: string): Promise<ObjectSummary[]> {
  const found: ObjectSummary[] = [];
  for await (const summary of store.list(prefix)) found.push(summary);
  return found;
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => undefined,
    (err: unknown) => err,
  );
}

describe.each(implementations)('ObjectStore: %s', (_, make) => {
  it('reads back the bytes, content type, caching and metadata written, and nothing for a missing key', async () => {
    const store = await make();
    const before = Math.floor(Date.now() / 1000) * 1000;
    const { etag } = await store.put('a/page.html', '<p>Κυριακή</p>', {
      contentType: 'text/html; charset=utf-8',
      cacheControl: 'public, max-age=300',
      metadata: { 'Source-Key': 'approved/x.md', slug: '2026-06-01-x' },
    });
    const object = await store.get('a/page.html');
    expect(text(object?.body)).toBe('<p>Κυριακή</p>');
    expect(object).toMatchObject({
      key: 'a/page.html',
      etag,
      contentType: 'text/html; charset=utf-8',
      cacheControl: 'public, max-age=300',
      metadata: { 'source-key': 'approved/x.md', slug: '2026-06-01-x' },
    });
    expect(object?.tooLarge).toBeUndefined();
    // Upload times to the whole second, never before the write began.
    expect(object!.lastModified.getTime() % 1000).toBe(0);
    expect(object!.lastModified.getTime()).toBeGreaterThanOrEqual(before);
    expect(object!.lastModified.getTime()).toBeLessThanOrEqual(Date.now());
    expect(etag).not.toBe('');

    expect(await store.get('a/missing.html')).toBeUndefined();
    expect(await store.get('a/page')).toBeUndefined();
  });

  it('leaves out caching and metadata that were not given, and keeps binary bodies byte for byte', async () => {
    const store = await make();
    const bytes = Uint8Array.from([0, 255, 1, 254, 0x80, 10, 13]);
    await store.put('bin/blob', bytes, { contentType: 'application/octet-stream' });
    bytes[0] = 42; // a later change to the caller's buffer
    const object = await store.get('bin/blob');
    expect(Array.from(object!.body)).toEqual([0, 255, 1, 254, 0x80, 10, 13]);
    expect(object?.contentType).toBe('application/octet-stream');
    expect(object?.cacheControl).toBeUndefined();
    expect(object?.metadata).toBeUndefined();
  });

  it('overwrites: the last write wins, with a new ETag for new bytes and the same ETag for the same bytes', async () => {
    const store = await make();
    const first = await store.put('k', 'one', {
      contentType: 'text/plain',
      cacheControl: 'no-cache',
      metadata: { a: '1' },
    });
    const second = await store.put('k', 'two', { contentType: 'application/json' });
    expect(second.etag).not.toBe(first.etag);
    const object = await store.get('k');
    expect(text(object?.body)).toBe('two');
    expect(object).toMatchObject({ etag: second.etag, contentType: 'application/json' });
    expect(object?.cacheControl).toBeUndefined();
    expect(object?.metadata).toBeUndefined();
    expect((await store.put('k', 'two', { contentType: 'application/json' })).etag).toBe(second.etag);
    expect((await store.put('other', 'one', { contentType: 'text/plain' })).etag).toBe(first.etag);
  });

  it('reads no body larger than maxBytes, and says how large the object is', async () => {
    const store = await make();
    await store.put('big', 'x'.repeat(2_000), { contentType: 'text/plain', metadata: { kept: 'yes' } });
    const big = await store.get('big', { maxBytes: 1_999 });
    expect(big?.tooLarge).toEqual({ bytes: 2_000 });
    expect(big?.body.byteLength).toBe(0);
    expect(big).toMatchObject({ key: 'big', contentType: 'text/plain', metadata: { kept: 'yes' } });
    const fits = await store.get('big', { maxBytes: 2_000 });
    expect(fits?.tooLarge).toBeUndefined();
    expect(fits?.body.byteLength).toBe(2_000);
    expect(await store.get('missing', { maxBytes: 1 })).toBeUndefined();
  });

  it('deletes, and deleting a missing key is not an error', async () => {
    const store = await make();
    await store.put('gone', 'x', { contentType: 'text/plain' });
    await store.delete('gone');
    expect(await store.get('gone')).toBeUndefined();
    await expect(store.delete('gone')).resolves.toBeUndefined();
    await expect(store.delete('never/there')).resolves.toBeUndefined();
    expect(await listAll(store, '')).toEqual([]);
  });

  it('creates only once with ifNoneMatch, also when many try at the same moment', async () => {
    const store = await make();
    const created = await store.put('once', 'first', { contentType: 'text/plain', ifNoneMatch: '*' });
    const refused = await rejection(store.put('once', 'second', { contentType: 'text/plain', ifNoneMatch: '*' }));
    expect(refused).toBeInstanceOf(PreconditionFailedError);
    expect(refused).toMatchObject({ name: 'PreconditionFailedError' });
    expect(await store.get('once')).toMatchObject({ etag: created.etag });

    const racers = await Promise.allSettled(
      Array.from({ length: 6 }, (_, n) =>
        store.put('race', `writer ${n}`, { contentType: 'text/plain', ifNoneMatch: '*' }),
      ),
    );
    const won = racers.flatMap((r, n) => (r.status === 'fulfilled' ? [n] : []));
    expect(won).toHaveLength(1);
    for (const r of racers) if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(PreconditionFailedError);
    expect(text((await store.get('race'))?.body)).toBe(`writer ${won[0]}`);
  });

  it('replaces only the version read with ifMatch, and fails when another version or no object is there', async () => {
    const store = await make();
    const v1 = await store.put('doc', 'v1', { contentType: 'text/plain' });
    const v2 = await store.put('doc', 'v2', { contentType: 'text/plain', ifMatch: v1.etag });
    expect(text((await store.get('doc'))?.body)).toBe('v2');

    const stale = await rejection(
      store.put('doc', 'from a stale read', { contentType: 'text/plain', ifMatch: v1.etag }),
    );
    expect(stale).toBeInstanceOf(PreconditionFailedError);
    expect(await store.get('doc')).toMatchObject({ etag: v2.etag });

    // The etag as list reports it works the same.
    const [listed] = await listAll(store, 'doc');
    await store.put('doc', 'v3', { contentType: 'text/plain', ifMatch: listed!.etag });
    expect(text((await store.get('doc'))?.body)).toBe('v3');

    await store.delete('doc');
    const gone = await rejection(store.put('doc', 'v4', { contentType: 'text/plain', ifMatch: v2.etag }));
    expect(gone).toBeInstanceOf(PreconditionFailedError);
    expect(await store.get('doc')).toBeUndefined();

    const unknownVersion = '"00000000000000000000000000000000"';
    const racers = await Promise.allSettled(
      [1, 2, 3, 4].map((n) =>
        store.put('shared', `writer ${n}`, { contentType: 'text/plain', ifMatch: unknownVersion }),
      ),
    );
    expect(racers.every((r) => r.status === 'rejected' && r.reason instanceof PreconditionFailedError)).toBe(true);
  });

  it('lists the keys under a prefix in key order with their size, ETag and upload time', async () => {
    const store = await make();
    const keys = ['p/b', 'p/a/2', 'p/a/10', 'p/Z', 'p/é', 'p/日本', 'p/😀', 'p/z', 'q/other', 'p'];
    const etags = new Map<string, string>();
    for (const key of keys)
      etags.set(key, (await store.put(key, `body of ${key}`, { contentType: 'text/plain' })).etag);

    const listed = await listAll(store, 'p/');
    expect(listed.map((s) => s.key)).toEqual(['p/Z', 'p/a/10', 'p/a/2', 'p/b', 'p/z', 'p/é', 'p/日本', 'p/😀']);
    for (const summary of listed) {
      expect(summary.size).toBe(Buffer.byteLength(`body of ${summary.key}`));
      expect(summary.etag).toBe(etags.get(summary.key));
      expect(summary.lastModified.getTime()).toBe((await store.get(summary.key))!.lastModified.getTime());
    }
    expect((await listAll(store, 'p/a/')).map((s) => s.key)).toEqual(['p/a/10', 'p/a/2']);
    expect((await listAll(store, '')).map((s) => s.key)).toHaveLength(keys.length);
    expect(await listAll(store, 'nothing/')).toEqual([]);
  });

  it('lists past one page of a thousand keys, every key once, in order', async () => {
    const store = await make();
    const keys = Array.from({ length: 1_005 }, (_, n) => `many/${String(n).padStart(4, '0')}`);
    for (let from = 0; from < keys.length; from += 25) {
      await Promise.all(keys.slice(from, from + 25).map((key) => store.put(key, key, { contentType: 'text/plain' })));
    }
    await store.put('manz', 'outside the prefix', { contentType: 'text/plain' });
    const listed = await listAll(store, 'many/');
    expect(listed.map((s) => s.key)).toEqual(keys);
  });
});
