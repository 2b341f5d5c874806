import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { S3Client } from '@aws-sdk/client-s3';
import S3rver from 's3rver';
import { startEmulators, type Emulators } from '../../../src/local/emulators.ts';
import { S3ObjectStore } from '../../../src/adapters/s3-store.ts';
import { s3ClientConfig } from '../../../src/adapters/aws-clients.ts';
import { PreconditionFailedError } from '../../../src/ports.ts';

let emulators: Emulators;
let client: S3Client;
let store: S3ObjectStore;

beforeAll(async () => {
  emulators = await startEmulators({ s3Buckets: ['site'] });
  client = new S3Client(emulators.clientConfigs.s3);
  store = new S3ObjectStore(client, 'site');
});

afterAll(async () => {
  client?.destroy();
  await emulators?.stop();
});

const text = (bytes: Uint8Array | undefined) => new TextDecoder().decode(bytes);

describe('conditional writes on the local S3', () => {
  it('lets exactly one of two concurrent create-only puts of a key succeed', async () => {
    const results = await Promise.allSettled(
      ['first', 'second'].map((body) =>
        store.put('index/claim.json', body, { contentType: 'application/json', ifNoneMatch: '*' }),
      ),
    );
    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    expect(lost[0]!.reason).toBeInstanceOf(PreconditionFailedError);

    const winner = results[0]!.status === 'fulfilled' ? 'first' : 'second';
    expect(text((await store.get('index/claim.json'))?.body)).toBe(winner);
  });

  it('lets exactly one of many concurrent create-only puts succeed, and keeps its body', async () => {
    const bodies = Array.from({ length: 16 }, (_, i) => `writer ${i}`);
    const results = await Promise.allSettled(
      bodies.map((body) => store.put('index/many.json', body, { contentType: 'text/plain', ifNoneMatch: '*' })),
    );
    const winners = bodies.filter((_, i) => results[i]!.status === 'fulfilled');
    expect(winners).toHaveLength(1);
    for (const r of results) if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(PreconditionFailedError);
    expect(text((await store.get('index/many.json'))?.body)).toBe(winners[0]);
  });

  it('replaces only the version read (If-Match), so one of two read-modify-writes loses', async () => {
    const { etag } = await store.put('feeds/index.json', 'v1', { contentType: 'application/json' });
    const read = await store.get('feeds/index.json');
    expect(read?.etag).toBe(etag);

    await store.put('feeds/index.json', 'v2 from A', { contentType: 'application/json', ifMatch: etag });
    await expect(
      store.put('feeds/index.json', 'v2 from B', { contentType: 'application/json', ifMatch: etag }),
    ).rejects.toBeInstanceOf(PreconditionFailedError);
    expect(text((await store.get('feeds/index.json'))?.body)).toBe('v2 from A');
  });

  it('fails an If-Match put when the object is gone', async () => {
    const { etag } = await store.put('feeds/gone.json', 'v1', { contentType: 'application/json' });
    await store.delete('feeds/gone.json');
    await expect(
      store.put('feeds/gone.json', 'v2', { contentType: 'application/json', ifMatch: etag }),
    ).rejects.toBeInstanceOf(PreconditionFailedError);
    expect(await store.get('feeds/gone.json')).toBeUndefined();
  });

  it('leaves unconditional puts alone', async () => {
    await store.put('page.html', 'one', { contentType: 'text/html' });
    await store.put('page.html', 'two', { contentType: 'text/html' });
    expect(text((await store.get('page.html'))?.body)).toBe('two');
  });
});

describe('reads racing writes on the local S3', () => {
  it('gives every read of a key being rewritten one whole version, with its own ETag, as S3 does', async () => {
    // Bodies of different lengths: a read of a half-written file, or of a new length over an old body, would show.
    const versions = Array.from({ length: 6 }, (_, i) => `${String(i).repeat(40_000 * (i + 1))}`);
    const etags = new Map<string, string>();
    const writing = (async () => {
      for (let round = 0; round < 4; round++) {
        for (const body of versions)
          etags.set((await store.put('feeds/race.json', body, { contentType: 'text/plain' })).etag, body);
      }
    })();
    const reads: { body: string; etag: string }[] = [];
    let done = false;
    void writing.finally(() => (done = true));
    while (!done) {
      const got = await Promise.all(Array.from({ length: 4 }, () => store.get('feeds/race.json')));
      for (const g of got) if (g) reads.push({ body: text(g.body), etag: g.etag });
    }
    await writing;
    expect(reads.length).toBeGreaterThan(0);
    for (const read of reads) {
      expect(versions).toContain(read.body);
      expect(etags.get(read.etag), 'the ETag names the body read').toBe(read.body);
    }
  });
});

describe('s3rver without the shim', () => {
  // If this starts failing, s3rver honours conditional writes itself and the shim can go.
  it('ignores If-None-Match, so a create-only put overwrites', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'broadsheet-s3rver-'));
    const server = new S3rver({
      address: '127.0.0.1',
      port: 0,
      silent: true,
      directory,
      configureBuckets: [{ name: 'b' }],
    });
    const { port } = await server.run();
    const plain = new S3Client(
      s3ClientConfig({ url: `http://127.0.0.1:${port}`, accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' }),
    );
    try {
      const raw = new S3ObjectStore(plain, 'b');
      await raw.put('k', 'first', { contentType: 'text/plain', ifNoneMatch: '*' });
      await raw.put('k', 'second', { contentType: 'text/plain', ifNoneMatch: '*' });
      expect(text((await raw.get('k'))?.body)).toBe('second');
    } finally {
      plain.destroy();
      const closed = server.close();
      server.httpServer?.closeAllConnections();
      await closed;
      await rm(directory, { recursive: true, force: true });
    }
  });
});
