import { setTimeout as delay } from 'node:timers/promises';
import type { Logger } from '../log.ts';
import type { Queue, ReceivedMessage } from '../ports.ts';
import type { SqsEvent } from '../app/sqs-batch.ts';

export interface BatchResult {
  batchItemFailures: { itemIdentifier: string }[];
}

export interface SqsPollerOptions {
  queue: Queue;
  /** The function Lambda would call with the batch. */
  // biome-ignore lint/suspicious/noConfusingVoidType: a handler may answer nothing, as Lambda's SQS handlers may.
  handler: (event: SqsEvent) => Promise<BatchResult | void>;
  /** Messages per event, 1 to 10. Default 10. */
  batchSize?: number;
  /** How long a received message stays hidden; a failed one comes back after it. */
  visibilityTimeoutSeconds: number;
  /** Batches handled at the same time, like Lambda's concurrency for the queue. Default 1. */
  concurrency?: number;
  log?: Logger;
  /** For the records' eventSourceARN. */
  queueArn?: string;
  /** Pause after an empty receive. Default 100 ms. */
  idleMs?: number;
  /** Long-poll each receive up to this many seconds, as Lambda's event source mapping does: a new message is handed
   * over at once without polling in a tight loop; stop() and drain() may take that long. Default 0. */
  waitSeconds?: number;
}

export interface SqsPoller {
  /** Resolves when nothing is left: no message visible, none in a handler, none failed and due to come back. */
  drain(): Promise<void>;
  /** Stops receiving; resolves when the batches in hand are finished. */
  stop(): Promise<void>;
}

/**
 * Delivers a local queue's messages to a handler as Lambda's SQS event source mapping does: events of up to
 * `batchSize` records, the messages the handler does not name in `batchItemFailures` deleted, the named ones (all of
 * them when the handler throws) left to reappear after the visibility timeout.
 *
 * Moving a message to the dead-letter queue after maxReceiveCount receives is the queue's job: local-aws-sqs does it
 * when the visibility timeout of a message received that many times runs out (src/local/emulators.ts QueueSpec).
 * The poller only stops waiting for a failed message that did not come back.
 */
export function startSqsPoller(options: SqsPollerOptions): SqsPoller {
  const { queue, handler, log } = options;
  const batchSize = Math.min(10, Math.max(1, Math.floor(options.batchSize ?? 10)));
  const visibilityMs = options.visibilityTimeoutSeconds * 1000;
  const idleMs = options.idleMs ?? 100;
  const graceMs = Math.max(1000, visibilityMs / 2);
  /** Failed messages by id: when each should be visible again. */
  const hidden = new Map<string, number>();
  let lastActivity = Date.now();
  let lastEmptyReceiveStart = -Infinity;
  let stopping = false;

  const toEvent = (messages: ReceivedMessage[]): SqsEvent => ({
    Records: messages.map((m) => ({
      messageId: m.id,
      receiptHandle: m.receiptHandle,
      body: m.body,
      attributes: { ApproximateReceiveCount: String(m.receiveCount) },
      eventSource: 'aws:sqs',
      ...(options.queueArn !== undefined && { eventSourceARN: options.queueArn }),
    })),
  });

  const handle = async (messages: ReceivedMessage[], receivedAt: number) => {
    let failed: Set<string>;
    try {
      const result = await handler(toEvent(messages));
      failed = new Set((result?.batchItemFailures ?? []).map((f) => f.itemIdentifier));
      if ([...failed].some((id) => !messages.some((m) => m.id === id))) {
        log?.error('batch response names an unknown message; the whole batch comes back', {
          messages: messages.length,
        });
        failed = new Set(messages.map((m) => m.id));
      }
    } catch (err) {
      log?.error('handler failed; the whole batch comes back', { messages: messages.length, error: err });
      failed = new Set(messages.map((m) => m.id));
    }
    for (const message of messages) {
      if (failed.has(message.id)) {
        hidden.set(message.id, receivedAt + visibilityMs);
        continue;
      }
      await queue
        .delete(message.receiptHandle)
        .catch((err: unknown) =>
          log?.warn('could not delete a handled message', { messageId: message.id, error: err }),
        );
    }
  };

  // One receive at a time, of as many messages as the free slots take (SQS returns at most 10), handed out a batch
  // to a slot, as Lambda's pollers hand one receive's messages to several invocations: shards queued together start
  // together. An empty receive then proves that no other receive holds messages on their way, which is what drain()
  // relies on.
  const running = new Set<Promise<void>>();
  const slots = Math.max(1, Math.floor(options.concurrency ?? 1));
  const startBatch = (batch: ReceivedMessage[], receivedAt: number) => {
    const job = handle(batch, receivedAt).finally(() => {
      running.delete(job);
      lastActivity = Date.now();
    });
    running.add(job);
  };
  const receiver = async () => {
    while (!stopping) {
      if (running.size >= slots) {
        await Promise.race(running);
        continue;
      }
      const started = Date.now();
      let messages: ReceivedMessage[];
      try {
        messages = await queue.receive(Math.min(10, (slots - running.size) * batchSize), {
          waitSeconds: options.waitSeconds ?? 0,
          visibilityTimeoutSeconds: options.visibilityTimeoutSeconds,
        });
      } catch (err) {
        log?.warn('receive failed', { error: err });
        await delay(idleMs);
        continue;
      }
      if (messages.length === 0) {
        lastEmptyReceiveStart = started;
        await delay(idleMs);
        continue;
      }
      lastActivity = Date.now();
      for (const m of messages) hidden.delete(m.id);
      for (let i = 0; i < messages.length; i += batchSize) startBatch(messages.slice(i, i + batchSize), started);
    }
    await Promise.all(running);
  };
  const receiving = receiver();

  const idle = (since: number) => {
    const now = Date.now();
    for (const [id, backAt] of hidden) {
      if (now > backAt + graceMs) {
        hidden.delete(id);
        log?.info('a failed message did not come back (moved to the dead-letter queue)', { messageId: id });
      }
    }
    return running.size === 0 && hidden.size === 0 && lastEmptyReceiveStart > Math.max(lastActivity, since);
  };

  return {
    async drain() {
      const since = Date.now();
      while (!stopping && !idle(since)) await delay(50);
    },
    async stop() {
      stopping = true;
      await receiving;
    },
  };
}
