import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { DeleteObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { SQSClient, SendMessageCommand } from '@aws-sdk/client-sqs';
import { DynamoDBClient, DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { simpleParser } from 'mailparser';
import { startEmulators } from '../../../src/local/emulators.ts';
import { decodeS3EventKey, type S3NotificationEvent } from '../../../src/adapters/s3-event.ts';
import { SesMailer } from '../../../src/adapters/ses-mailer.ts';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { SqsQueue } from '../../../src/adapters/sqs-queue.ts';
import { startSqsPoller } from '../../../src/local/sqs-poller.ts';
import { useEmulators } from '../../helpers/emulators.ts';

const emulators = useEmulators({
  s3Buckets: ['desk-inbox'],
  tables: [{ tableName: 'send-ledger', partitionKey: 'editorial', sortKey: 'subscriber' }],
  queues: ['plain', { name: 'dispatch', visibilityTimeoutSeconds: 1, maxReceiveCount: 2 }],
});

describe('startEmulators', () => {
  it('serves every emulator on 127.0.0.1 at its own port', () => {
    const urls = Object.values(emulators.endpoints).map((e) => new URL(e.url));
    for (const url of urls) expect(url.hostname).toBe('127.0.0.1');
    expect(new Set(urls.map((u) => u.port)).size).toBe(4);
  });

  it('creates the tables, ready to use', async () => {
    const client = new DynamoDBClient(emulators.clientConfigs.dynamodb);
    try {
      const out = await client.send(new DescribeTableCommand({ TableName: 'send-ledger' }));
      expect(out.Table?.TableStatus).toBe('ACTIVE');
      expect(out.Table?.KeySchema).toEqual([
        { AttributeName: 'editorial', KeyType: 'HASH' },
        { AttributeName: 'subscriber', KeyType: 'RANGE' },
      ]);
    } finally {
      client.destroy();
    }
  });

  it('creates the queues, with a dead-letter queue that takes a message after maxReceiveCount receives', async () => {
    expect(Object.keys(emulators.queueUrls).sort()).toEqual(['dispatch', 'dispatch-dlq', 'plain']);
    const dispatch = new SqsQueue(emulators.sqs, emulators.queueUrls.dispatch!);
    const dlq = new SqsQueue(emulators.sqs, emulators.queueUrls['dispatch-dlq']!);
    await emulators.sqs.send(new SendMessageCommand({ QueueUrl: emulators.queueUrls.dispatch, MessageBody: 'poison' }));

    const counts: number[] = [];
    for (let i = 0; i < 2; i++) {
      const [message] = await dispatch.receive(1, { waitSeconds: 5 });
      expect(message?.body).toBe('poison');
      counts.push(message!.receiveCount);
    }
    expect(counts).toEqual([1, 2]);

    const [parked] = await dlq.receive(1, { waitSeconds: 5 });
    expect(parked?.body).toBe('poison');
    expect(await dispatch.receive(1)).toEqual([]);
  });
});

describe('the local SQS poller', () => {
  it('long-polling, hands a message sent while it waits to the handler, deletes it, and drains', async () => {
    const plain = new SqsQueue(emulators.sqs, emulators.queueUrls.plain!);
    const bodies: string[] = [];
    let receives = 0;
    const counting = {
      ...plain,
      sendBatch: plain.sendBatch.bind(plain),
      delete: plain.delete.bind(plain),
      receive: (max: number, options?: { waitSeconds?: number }) => (receives++, plain.receive(max, options)),
    };
    const poller = startSqsPoller({
      queue: counting,
      handler: async (event) => void bodies.push(...event.Records.map((r) => r.body)),
      visibilityTimeoutSeconds: 5,
      waitSeconds: 1,
      idleMs: 0,
    });
    try {
      await new Promise((resolve) => setTimeout(resolve, 300));
      await plain.sendBatch(['late']);
      await poller.drain();
    } finally {
      await poller.stop();
    }
    expect(bodies).toEqual(['late']);
    expect(await plain.receive(1)).toEqual([]);
    // Waiting on the queue, not asking it again and again: a handful of receives over more than a second.
    expect(receives).toBeLessThan(10);
  });
});

describe('S3 object events', () => {
  it('announces a put as ObjectCreated:Put with the key URL-encoded like S3 does', async () => {
    const events: S3NotificationEvent[] = [];
    const unsubscribe = emulators.onObjectEvent((event) => void events.push(event));
    const key = 'approved/2026-06-04 harbour+talks (1).txt';
    try {
      await emulators.s3.send(
        new PutObjectCommand({ Bucket: 'desk-inbox', Key: key, Body: 'title: x', ContentType: 'text/plain' }),
      );
      await emulators.objectEventsSettled();
    } finally {
      unsubscribe();
    }
    expect(events).toHaveLength(1);
    const record = events[0]!.Records[0]!;
    expect(record.eventName).toBe('ObjectCreated:Put');
    expect(record.s3.bucket.name).toBe('desk-inbox');
    expect(record.s3.bucket.arn).toBe('arn:aws:s3:::desk-inbox');
    expect(record.s3.object.key).toBe('approved/2026-06-04+harbour%2Btalks+%281%29.txt');
    expect(decodeS3EventKey(record.s3.object.key)).toBe(key);
    expect(record.s3.object.size).toBe(8);
  });

  it('announces a delete as ObjectRemoved:Delete, ordered after the put by sequencer', async () => {
    const events: S3NotificationEvent[] = [];
    const unsubscribe = emulators.onObjectEvent((event) => void events.push(event));
    try {
      await emulators.s3.send(new PutObjectCommand({ Bucket: 'desk-inbox', Key: 'approved/gone.txt', Body: 'x' }));
      await emulators.s3.send(new DeleteObjectCommand({ Bucket: 'desk-inbox', Key: 'approved/gone.txt' }));
      await emulators.objectEventsSettled();
    } finally {
      unsubscribe();
    }
    expect(events.map((e) => e.Records[0]!.eventName)).toEqual(['ObjectCreated:Put', 'ObjectRemoved:Delete']);
    const [put, removed] = events.map((e) => e.Records[0]!.s3.object.sequencer);
    expect(put!.length).toBe(removed!.length);
    expect(put! < removed!).toBe(true);
  });

  it('keeps delivering to other listeners when one throws, and reports the failure', async () => {
    const lines: string[] = [];
    const local = await startEmulators({ s3Buckets: ['inbox'], log: (line) => lines.push(line) });
    const client = new S3Client(local.clientConfigs.s3);
    const keys: string[] = [];
    try {
      local.onObjectEvent(() => {
        throw new Error('handler broke');
      });
      local.onObjectEvent((event) => void keys.push(event.Records[0]!.s3.object.key));
      await client.send(new PutObjectCommand({ Bucket: 'inbox', Key: 'a.txt', Body: 'a' }));
      await local.objectEventsSettled();
    } finally {
      client.destroy();
      await local.stop();
    }
    expect(keys).toEqual(['a.txt']);
    expect(lines.some((line) => line.includes('handler broke'))).toBe(true);
  });
});

describe('SES store', () => {
  it('lists sent mail with headers and gives its MIME form; clearMail empties it', async () => {
    const ses = new SESv2Client(emulators.clientConfigs.sesv2);
    try {
      await emulators.clearMail();
      const { messageId } = await new SesMailer(ses).send({
        from: '"Monexus" <desk@monexus.example>',
        to: 'reader@example.org',
        subject: 'Harbour talks',
        html: '<p>Hello</p>',
        text: 'Hello',
        headers: [{ name: 'List-Unsubscribe', value: '<https://monexus.example/u/abc>' }],
      });
      const mail = await emulators.sentMail();
      expect(mail.map((m) => m.messageId)).toEqual([messageId]);
      const parsed = await simpleParser(await emulators.sentMailMime(messageId));
      expect(parsed.subject).toBe('Harbour talks');
      expect(parsed.headerLines.find((h) => h.key === 'list-unsubscribe')?.line).toBe(
        'List-Unsubscribe: <https://monexus.example/u/abc>',
      );
      expect(parsed.text?.trim()).toBe('Hello');

      await emulators.clearMail();
      expect(await emulators.sentMail()).toEqual([]);
    } finally {
      ses.destroy();
    }
  });
});

describe('stop', () => {
  it('closes every port, also with clients still holding keep-alive connections', async () => {
    const local = await startEmulators({ s3Buckets: ['inbox'], queues: ['q'] });
    const client = new S3Client(local.clientConfigs.s3);
    await client.send(new PutObjectCommand({ Bucket: 'inbox', Key: 'k', Body: 'v' }));
    const sqsClient = new SQSClient({ ...local.clientConfigs.sqs, maxAttempts: 1 });
    const polling = new SqsQueue(sqsClient, local.queueUrls.q!).receive(1, { waitSeconds: 20 }).catch(() => 'aborted');
    await local.stop();
    await polling;
    client.destroy();
    sqsClient.destroy();
    for (const { url } of Object.values(local.endpoints)) {
      const port = Number(new URL(url).port);
      await expect(refused(port)).resolves.toBe(true);
    }
  });
});

function refused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(true));
  });
}
