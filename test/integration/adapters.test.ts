import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { S3Client } from '@aws-sdk/client-s3';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { simpleParser } from 'mailparser';
import { S3ObjectStore } from '../../src/adapters/s3-store.ts';
import { SesMailer } from '../../src/adapters/ses-mailer.ts';
import { SqsQueue } from '../../src/adapters/sqs-queue.ts';
import { DynamoTable } from '../../src/adapters/dynamo-table.ts';
import {
  awsClientConfigs,
  cloudFrontClientConfig,
  s3ClientConfig,
  sesClientConfig,
} from '../../src/adapters/aws-clients.ts';
import { decodeS3EventKey, encodeS3EventKey } from '../../src/adapters/s3-event.ts';
import { MessageRejectedError, ThrottledError, type OutgoingEmail, type ReceivedMessage } from '../../src/ports.ts';
import { useEmulators } from '../helpers/emulators.ts';

const SUBSCRIBERS = { tableName: 'subscribers', partitionKey: 'id' };
const LEDGER = { tableName: 'send-ledger', partitionKey: 'editorial', sortKey: 'subscriber' };

const emulators = useEmulators({
  s3Buckets: ['public-site'],
  tables: [SUBSCRIBERS, LEDGER],
  queues: ['shards', { name: 'short', visibilityTimeoutSeconds: 1 }],
});

const text = (bytes: Uint8Array | undefined) => new TextDecoder().decode(bytes);

describe('aws client configs', () => {
  it('leave region, endpoint and credentials to the Lambda environment when no endpoint is given', () => {
    expect(awsClientConfigs()).toEqual({ s3: {}, sesv2: { maxAttempts: 1 }, sqs: {}, dynamodb: {} });
  });

  it('never let the SDK send an email twice: the mailer makes one attempt, local or not; other clients keep theirs', () => {
    const local = { url: 'http://127.0.0.1:1', accessKeyId: 'x', secretAccessKey: 'x' };
    const configs = [awsClientConfigs(), awsClientConfigs({ s3: local, sesv2: local, sqs: local, dynamodb: local })];
    for (const config of configs) {
      expect(config.sesv2.maxAttempts).toBe(1);
      for (const other of [config.s3, config.sqs, config.dynamodb]) expect(other.maxAttempts).toBeUndefined();
    }
    expect(cloudFrontClientConfig()).toEqual({ region: 'us-east-1' });
  });

  it('point local clients at the emulator with path-style S3 and no streaming checksums', () => {
    expect(emulators.clientConfigs.s3).toMatchObject({
      endpoint: emulators.endpoints.s3.url,
      region: 'us-east-1',
      forcePathStyle: true,
      requestChecksumCalculation: 'WHEN_REQUIRED',
    });
  });
});

describe('S3ObjectStore', () => {
  it('round-trips body, content type, cache control and metadata', async () => {
    const store = new S3ObjectStore(emulators.s3, 'public-site');
    const body = '<h1>Harbour talks — “quoted” ünïcode ✓</h1>';
    const { etag } = await store.put('editorials/harbour/index.html', body, {
      contentType: 'text/html; charset=utf-8',
      cacheControl: 'public, max-age=300',
      metadata: { slug: 'harbour' },
    });
    const got = await store.get('editorials/harbour/index.html');
    expect(text(got?.body)).toBe(body);
    expect(got?.contentType).toBe('text/html; charset=utf-8');
    expect(got?.cacheControl).toBe('public, max-age=300');
    expect(got?.metadata).toEqual({ slug: 'harbour' });
    expect(got?.etag).toBe(etag);
    expect(got?.lastModified).toBeInstanceOf(Date);
  });

  it('stores bytes exactly', async () => {
    const store = new S3ObjectStore(emulators.s3, 'public-site');
    const bytes = Uint8Array.from({ length: 256 }, (_, i) => i);
    await store.put('bin/all-bytes', bytes, { contentType: 'application/octet-stream' });
    expect(Array.from((await store.get('bin/all-bytes'))!.body)).toEqual(Array.from(bytes));
  });

  it('answers undefined for a missing key, and deleting a missing key is fine', async () => {
    const store = new S3ObjectStore(emulators.s3, 'public-site');
    expect(await store.get('nothing/here')).toBeUndefined();
    await expect(store.delete('nothing/here')).resolves.toBeUndefined();
  });

  it('lists exactly the keys under a prefix, and forgets deleted ones', async () => {
    const store = new S3ObjectStore(emulators.s3, 'public-site');
    const keys = ['feeds/a.xml', 'feeds/b.xml', 'feeds/c.json', 'feeds/d.json', 'feeds/e.xml'];
    for (const key of keys) await store.put(key, key, { contentType: 'text/plain' });
    await store.put('feedsX/not-me', 'x', { contentType: 'text/plain' });

    const listed = [];
    for await (const entry of store.list('feeds/')) listed.push(entry);
    expect(listed.map((e) => e.key)).toEqual(keys);
    expect(listed.map((e) => e.size)).toEqual(keys.map((k) => k.length));

    await store.delete('feeds/c.json');
    expect(await store.get('feeds/c.json')).toBeUndefined();
    const after = [];
    for await (const entry of store.list('feeds/')) after.push(entry.key);
    expect(after).toEqual(keys.filter((k) => k !== 'feeds/c.json'));
  });

  // s3rver's pages are checked by the ObjectStore contract; this server answers in S3's own format, tokens with
  // spaces included.
  it('follows continuation tokens until the listing is complete', async () => {
    const tokens: (string | null)[] = [];
    const pages: Record<string, string> = {
      first: listPage(['feeds/a.xml', 'feeds/b.xml'], 'next page/2'),
      'next page/2': listPage(['feeds/c.xml']),
    };
    const server = createServer((req, res) => {
      const token = new URL(req.url ?? '/', 'http://x').searchParams.get('continuation-token');
      tokens.push(token);
      res.writeHead(200, { 'content-type': 'application/xml' });
      res.end(pages[token ?? 'first']);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const config = s3ClientConfig({ url, accessKeyId: 'x', secretAccessKey: 'x' });
    const client = new S3Client({ ...config, maxAttempts: 1 });
    try {
      const keys = [];
      for await (const entry of new S3ObjectStore(client, 'b').list('feeds/')) keys.push(entry.key);
      expect(keys).toEqual(['feeds/a.xml', 'feeds/b.xml', 'feeds/c.xml']);
      expect(tokens).toEqual([null, 'next page/2']);
    } finally {
      client.destroy();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

function listPage(keys: string[], next?: string): string {
  const contents = keys
    .map(
      (key) =>
        `<Contents><Key>${key}</Key><LastModified>2026-06-04T00:00:00.000Z</LastModified>` +
        `<ETag>"e"</ETag><Size>1</Size><StorageClass>STANDARD</StorageClass></Contents>`,
    )
    .join('');
  return (
    `<?xml version="1.0" encoding="UTF-8"?><ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">` +
    `<Name>b</Name><Prefix>feeds/</Prefix><KeyCount>${keys.length}</KeyCount><MaxKeys>1000</MaxKeys>` +
    `<IsTruncated>${next ? 'true' : 'false'}</IsTruncated>` +
    (next ? `<NextContinuationToken>${next}</NextContinuationToken>` : '') +
    `${contents}</ListBucketResult>`
  );
}

describe('S3 event keys', () => {
  it('decode back to the stored key for any key', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 40 }), (key) => {
        const encoded = encodeS3EventKey(key);
        expect(encoded).toMatch(/^[A-Za-z0-9\-._~%+/]*$/);
        expect(decodeS3EventKey(encoded)).toBe(key);
      }),
    );
  });
});

describe('SesMailer', () => {
  const email: OutgoingEmail = {
    from: '"Monexus" <desk@monexus.example>',
    to: 'reader@example.org',
    replyTo: 'letters@monexus.example',
    subject: 'The harbour talks that were not — édition',
    html: '<p>The port authority offered talks &amp; a deadline.</p>',
    text: 'The port authority offered talks & a deadline.',
    headers: [
      { name: 'List-Unsubscribe', value: '<https://monexus.example/unsubscribe?t=abc>, <mailto:u@monexus.example>' },
      { name: 'List-Unsubscribe-Post', value: 'List-Unsubscribe=One-Click' },
    ],
    configurationSet: 'broadsheet',
    tags: { editorial: '2026-06-04-harbour-talks', kind: 'newsletter' },
  };

  it('sends through SES with subject, both bodies, reply-to, destination and the custom headers', async () => {
    await emulators.clearMail();
    const { messageId } = await new SesMailer(emulators.ses).send(email);
    const [sent, ...rest] = await emulators.sentMail();
    expect(rest).toEqual([]);
    expect(sent).toMatchObject({
      messageId,
      from: email.from,
      replyTo: [email.replyTo],
      destination: { to: ['reader@example.org'], cc: [], bcc: [] },
      subject: email.subject,
      body: { html: email.html, text: email.text },
      headers: email.headers,
    });

    const mime = await simpleParser(await emulators.sentMailMime(messageId));
    expect(mime.subject).toBe(email.subject);
    expect(mime.to && !Array.isArray(mime.to) ? mime.to.value[0]?.address : undefined).toBe('reader@example.org');
    expect(mime.html).toContain('offered talks &amp; a deadline');
    expect(mime.headers.get('list')).toEqual({
      unsubscribe: { url: 'https://monexus.example/unsubscribe?t=abc', mail: 'u@monexus.example' },
      'unsubscribe-post': { name: 'List-Unsubscribe=One-Click' },
    });
  });

  it('refuses tags and headers SES would refuse, before sending anything', async () => {
    await emulators.clearMail();
    const mailer = new SesMailer(emulators.ses);
    await expect(mailer.send({ ...email, tags: { editorial: 'has spaces' } })).rejects.toBeInstanceOf(
      MessageRejectedError,
    );
    await expect(
      mailer.send({ ...email, headers: [{ name: 'X-Note', value: 'a\r\nBcc: victim@example.org' }] }),
    ).rejects.toBeInstanceOf(MessageRejectedError);
    expect(await emulators.sentMail()).toEqual([]);
  });

  describe('against an SES endpoint that refuses', () => {
    let server: Server;
    let answer: { status: number; type: string; message: string };
    let client: SESv2Client;

    beforeAll(async () => {
      server = createServer((req, res) => {
        req.resume();
        req.on('end', () => {
          res.writeHead(answer.status, { 'content-type': 'application/json', 'x-amzn-errortype': answer.type });
          res.end(JSON.stringify({ message: answer.message }));
        });
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const config = sesClientConfig({ url, accessKeyId: 'x', secretAccessKey: 'x' });
      client = new SESv2Client({ ...config, maxAttempts: 1 });
    });

    afterAll(async () => {
      client?.destroy();
      server?.closeAllConnections();
      await new Promise((resolve) => server?.close(resolve));
    });

    it.each([
      { status: 429, type: 'TooManyRequestsException', message: 'Too many requests' },
      { status: 400, type: 'Throttling', message: 'Maximum sending rate exceeded.' },
    ])('reports $type ($status) as ThrottledError', async (refusal) => {
      answer = refusal;
      await expect(new SesMailer(client).send(email)).rejects.toBeInstanceOf(ThrottledError);
    });

    it('reports MessageRejected as MessageRejectedError', async () => {
      answer = { status: 400, type: 'MessageRejected', message: 'Email address is not verified.' };
      await expect(new SesMailer(client).send(email)).rejects.toBeInstanceOf(MessageRejectedError);
    });

    it('passes other failures through unchanged', async () => {
      answer = { status: 404, type: 'NotFoundException', message: 'Configuration set does not exist' };
      const failure = await new SesMailer(client).send(email).catch((err: unknown) => err);
      expect(failure).not.toBeInstanceOf(ThrottledError);
      expect(failure).not.toBeInstanceOf(MessageRejectedError);
      expect((failure as Error).name).toBe('NotFoundException');
    });
  });
});

describe('SqsQueue', () => {
  // Every message is sent before a drain starts and none is hidden, so the first empty receive means none is left:
  // no long poll needed to wait for one.
  async function drain(queue: SqsQueue): Promise<ReceivedMessage[]> {
    const all: ReceivedMessage[] = [];
    for (;;) {
      const batch = await queue.receive(10, { waitSeconds: 0 });
      if (batch.length === 0) return all;
      all.push(...batch);
      for (const m of batch) await queue.delete(m.receiptHandle);
    }
  }

  it('delivers every body of a batch larger than ten, and deleted messages stay gone', async () => {
    const queue = new SqsQueue(emulators.sqs, emulators.queueUrls.shards!);
    const bodies = Array.from({ length: 23 }, (_, i) => JSON.stringify({ shard: i, editorial: 'harbour' }));
    await queue.sendBatch(bodies);
    const received = await drain(queue);
    expect(received.map((m) => m.body).sort()).toEqual([...bodies].sort());
    expect(received.every((m) => m.receiveCount === 1)).toBe(true);
    expect(await queue.receive(10)).toEqual([]);
  });

  it('splits batches that would exceed the request size limit', async () => {
    const queue = new SqsQueue(emulators.sqs, emulators.queueUrls.shards!);
    // Together over the 1 MiB a batch request may carry, which local-aws-sqs enforces like SQS.
    const bodies = ['a', 'b', 'c', 'd', 'e'].map((c) => c.repeat(250 * 1024));
    await queue.sendBatch(bodies);
    expect((await drain(queue)).map((m) => m.body).sort()).toEqual(bodies);
  });

  it('redelivers a message that was not deleted once its visibility timeout passes', async () => {
    const queue = new SqsQueue(emulators.sqs, emulators.queueUrls.short!);
    await queue.sendBatch(['shard-7']);
    const [first] = await queue.receive(1, { waitSeconds: 5 });
    expect(first).toMatchObject({ body: 'shard-7', receiveCount: 1 });
    expect(await queue.receive(1)).toEqual([]);

    const [again] = await queue.receive(1, { waitSeconds: 5 });
    expect(again).toMatchObject({ id: first!.id, body: 'shard-7', receiveCount: 2 });
    await queue.delete(again!.receiptHandle);
    expect(await queue.receive(1, { waitSeconds: 2 })).toEqual([]);
  });
});

describe('DynamoTable', () => {
  it('puts an item only when absent: true the first time, false after, the first item kept', async () => {
    const ledger = new DynamoTable(emulators.dynamo, LEDGER);
    const first = { editorial: 'harbour', subscriber: 's-1', state: 'sending' };
    expect(await ledger.putIfAbsent(first)).toBe(true);
    expect(await ledger.putIfAbsent({ ...first, state: 'other' })).toBe(false);
    expect(await ledger.get({ editorial: 'harbour', subscriber: 's-1' })).toEqual(first);
    expect(await ledger.putIfAbsent({ editorial: 'harbour', subscriber: 's-2', state: 'sending' })).toBe(true);
  });

  it('updates only when the expected values hold, and never creates an item', async () => {
    const subscribers = new DynamoTable(emulators.dynamo, SUBSCRIBERS);
    await subscribers.put({ id: 'sub-1', status: 'pending', topics: ['harbour'] });

    const confirmed = await subscribers.update(
      { id: 'sub-1' },
      { set: { status: 'confirmed', confirmedAt: '2026-06-04T10:00:00Z' }, expected: { status: 'pending' } },
    );
    expect(confirmed).toEqual({
      id: 'sub-1',
      status: 'confirmed',
      confirmedAt: '2026-06-04T10:00:00Z',
      topics: ['harbour'],
    });

    const again = await subscribers.update(
      { id: 'sub-1' },
      { set: { status: 'pending' }, expected: { status: 'pending' } },
    );
    expect(again).toBeUndefined();
    expect((await subscribers.get({ id: 'sub-1' }))?.status).toBe('confirmed');

    expect(await subscribers.update({ id: 'nobody' }, { set: { status: 'confirmed' } })).toBeUndefined();
    expect(await subscribers.get({ id: 'nobody' })).toBeUndefined();
  });

  it('increments atomically, removes attributes and checks for absent attributes', async () => {
    const subscribers = new DynamoTable(emulators.dynamo, SUBSCRIBERS);
    await subscribers.put({ id: 'sub-2', status: 'confirmed', note: 'x' });
    const bounce = () => subscribers.update({ id: 'sub-2' }, { increment: { softBounces: 1 } });
    await Promise.all([bounce(), bounce(), bounce()]);
    expect((await subscribers.get({ id: 'sub-2' }))?.softBounces).toBe(3);

    const suppressed = await subscribers.update(
      { id: 'sub-2' },
      { set: { status: 'suppressed' }, remove: ['note'], expected: { suppressedAt: undefined } },
    );
    expect(suppressed).toEqual({ id: 'sub-2', status: 'suppressed', softBounces: 3 });
    const unchanged = await subscribers.update({ id: 'sub-2' }, { set: { x: 1 }, expected: { status: undefined } });
    expect(unchanged).toBeUndefined();
  });

  it('queries a partition by sort key prefix, page by page', async () => {
    const ledger = new DynamoTable(emulators.dynamo, LEDGER);
    for (const subscriber of ['a-1', 'a-2', 'a-3', 'b-1']) {
      await ledger.put({ editorial: 'q-test', subscriber, state: 'sent' });
    }
    await ledger.put({ editorial: 'q-other', subscriber: 'a-9', state: 'sent' });

    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await ledger.query('q-test', { sortKeyPrefix: 'a-', limit: 2, ...(cursor && { cursor }) });
      seen.push(...page.items.map((i) => String(i.subscriber)));
      cursor = page.cursor;
      pages++;
    } while (cursor);
    expect(seen).toEqual(['a-1', 'a-2', 'a-3']);
    expect(pages).toBeGreaterThan(1);
  });

  it('scans every item across pages and parallel segments, and deletes', async () => {
    const subscribers = new DynamoTable(emulators.dynamo, SUBSCRIBERS);
    const ids = Array.from({ length: 7 }, (_, i) => `scan-${i}`);
    for (const id of ids) await subscribers.put({ id, status: 'confirmed' });

    const seen: string[] = [];
    for (const segment of [0, 1]) {
      let cursor: string | undefined;
      do {
        const page = await subscribers.scan({ limit: 3, segment, totalSegments: 2, ...(cursor && { cursor }) });
        seen.push(...page.items.map((i) => String(i.id)));
        cursor = page.cursor;
      } while (cursor);
    }
    expect(seen.filter((id) => id.startsWith('scan-')).sort()).toEqual(ids);
    expect(new Set(seen).size).toBe(seen.length);

    await subscribers.delete({ id: 'scan-0' });
    expect(await subscribers.get({ id: 'scan-0' })).toBeUndefined();
  });

  it('writes and reads any number of items in batches, leaving out keys that have no item', async () => {
    const ledger = new DynamoTable(emulators.dynamo, LEDGER);
    // More than one BatchWriteItem (25) and one BatchGetItem (100) request each.
    const items = Array.from({ length: 130 }, (_, i) => ({
      editorial: 'batch',
      subscriber: `s${String(i).padStart(3, '0')}`,
      status: 'sent',
      n: i,
    }));
    await ledger.putMany(items);
    const keys = [
      ...items.map(({ editorial, subscriber }) => ({ editorial, subscriber })),
      { editorial: 'batch', subscriber: 'nobody' },
    ];
    const found = await ledger.getMany(keys);
    expect(found.map((item) => item.subscriber).sort()).toEqual(items.map((item) => item.subscriber));
    expect(found.find((item) => item.subscriber === 's129')).toEqual(items[129]);
    // A put replaces the whole item.
    await ledger.putMany([{ editorial: 'batch', subscriber: 's000', status: 'failed' }]);
    expect(await ledger.get({ editorial: 'batch', subscriber: 's000' })).toEqual({
      editorial: 'batch',
      subscriber: 's000',
      status: 'failed',
    });
  });

  it('resumes a scan right after a given item, also one deleted since', async () => {
    const subscribers = new DynamoTable(emulators.dynamo, SUBSCRIBERS);
    for (let i = 0; i < 9; i++) await subscribers.put({ id: `resume-${i}`, status: 'confirmed' });
    const order = async (startAfter?: { id: string }) => {
      const ids: string[] = [];
      let cursor: string | undefined;
      let first = true;
      do {
        const page = await subscribers.scan({
          limit: 4,
          ...(cursor && { cursor }),
          ...(first && startAfter && { startAfter }),
        });
        first = false;
        ids.push(...page.items.map((i) => String(i.id)));
        cursor = page.cursor;
      } while (cursor);
      return ids;
    };
    const all = await order();
    const at = all.indexOf('resume-4');
    expect(await order({ id: 'resume-4' })).toEqual(all.slice(at + 1));
    await subscribers.delete({ id: 'resume-4' });
    expect(await order({ id: 'resume-4' })).toEqual(all.slice(at + 1));
  });
});
