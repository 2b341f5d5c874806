// The dispatch stage on the ports in memory: a queue with visibility timeouts and a dead-letter queue, a mailer that
// keeps what it was asked to send, MemoryTable for the ledger and the subscribers, MemoryStore for the editorials.
// For the tests whose claims are about the planner's and the worker's logic; the adapters and the emulators have
// their own end-to-end tests (test/dispatch*.test.ts on test/helpers/dispatch-harness.ts).
import { setTimeout as delay } from 'node:timers/promises';
import type { BatchResponse, QueueRecord } from '../../src/batch.ts';
import { createLogger } from '../../src/log.ts';
import type { Mailer, OutgoingEmail, Queue, ReceivedMessage, ReceiveOptions } from '../../src/ports.ts';
import { READERS, seedSubscribers, type DispatchWorld, type SentMail } from './dispatch-world.ts';
import { MemoryStore } from './memory-store.ts';
import { MemoryTable } from './memory-table.ts';

/**
 * A queue as SQS keeps one: a received message stays hidden for the visibility timeout and comes back unless it was
 * deleted; one received `maxReceiveCount` times goes to the dead-letter queue instead of coming back. Times here are
 * milliseconds, not SQS's whole seconds.
 */
export class MemoryQueue implements Queue {
  private readonly messages = new Map<
    string,
    { body: string; visibleAt: number; receiveCount: number; handle?: string }
  >();
  private sequence = 0;

  constructor(private readonly options: { visibilityMs: number; maxReceiveCount?: number; deadLetters?: Queue }) {}

  async sendBatch(bodies: string[]): Promise<void> {
    for (const body of bodies) this.messages.set(`message-${++this.sequence}`, { body, visibleAt: 0, receiveCount: 0 });
  }

  async receive(max: number, options: ReceiveOptions = {}): Promise<ReceivedMessage[]> {
    const now = Date.now();
    const hideMs =
      options.visibilityTimeoutSeconds !== undefined
        ? options.visibilityTimeoutSeconds * 1000
        : this.options.visibilityMs;
    const out: ReceivedMessage[] = [];
    for (const [id, message] of this.messages) {
      if (out.length >= max) break;
      if (message.visibleAt > now) continue;
      const { maxReceiveCount, deadLetters } = this.options;
      if (maxReceiveCount !== undefined && message.receiveCount >= maxReceiveCount) {
        this.messages.delete(id);
        await deadLetters?.sendBatch([message.body]);
        continue;
      }
      message.receiveCount += 1;
      message.visibleAt = now + hideMs;
      message.handle = `${id}#${message.receiveCount}`;
      out.push({ id, body: message.body, receiptHandle: message.handle, receiveCount: message.receiveCount });
    }
    return out;
  }

  async delete(receiptHandle: string): Promise<void> {
    const id = receiptHandle.slice(0, receiptHandle.indexOf('#'));
    if (this.messages.get(id)?.handle === receiptHandle) this.messages.delete(id);
  }

  /** Messages not yet deleted: visible, or hidden and due to come back. */
  get size(): number {
    return this.messages.size;
  }
}

/** A mailer that accepts every message and keeps it, in the shape the dispatch checks read. */
export class MemoryMailer implements Mailer {
  readonly sent: SentMail[] = [];

  async send(email: OutgoingEmail): Promise<{ messageId: string }> {
    // A turn of the event loop, as a network call takes: the worker's lanes interleave as they do against SES.
    await new Promise((resolve) => setImmediate(resolve));
    const messageId = `memory-${this.sent.length + 1}`;
    this.sent.push({
      messageId,
      destination: { to: [email.to] },
      subject: email.subject,
      body: { html: email.html, text: email.text },
      headers: email.headers.map((h) => ({ ...h })),
    });
    return { messageId };
  }
}

export interface MemoryWorld extends DispatchWorld {
  queue: MemoryQueue;
  dlq: MemoryQueue;
  mailer: MemoryMailer;
  ledger: MemoryTable;
  subscribers: MemoryTable;
  clearMail(): void;
}

/** A visibility timeout shorter than the lease, as on the emulators (test/helpers/dispatch-harness.ts), in milliseconds. */
export const MEMORY_VISIBILITY_MS = 1_000;
export const MEMORY_LEASE_MS = 3_000;

/** The ports in memory with the subscribers seeded (`readers` confirmed ones, default 1,200); `editorials` is where
 * templates are read (an empty store unless given). */
export async function startMemoryWorld(
  options: { readers?: number; editorials?: MemoryWorld['editorials'] } = {},
): Promise<MemoryWorld> {
  const logs: string[] = [];
  const dlq = new MemoryQueue({ visibilityMs: MEMORY_VISIBILITY_MS });
  const mailer = new MemoryMailer();
  const world: MemoryWorld = {
    subscribers: new MemoryTable({ partitionKey: 'id' }),
    ledger: new MemoryTable(),
    queue: new MemoryQueue({ visibilityMs: MEMORY_VISIBILITY_MS, maxReceiveCount: 5, deadLetters: dlq }),
    dlq,
    editorials: options.editorials ?? new MemoryStore(),
    mailer,
    logs,
    log: createLogger({ fn: 'test' }, (line) => logs.push(line)),
    seeded: [],
    leaseMs: MEMORY_LEASE_MS,
    sentMail: async () => mailer.sent.slice(),
    clearMail: () => void mailer.sent.splice(0),
  };
  const readers = options.readers ?? READERS;
  if (readers > 0) world.seeded = await seedSubscribers(world.subscribers, readers);
  return world;
}

/**
 * Hands the queue's messages to `handler` one at a time, `concurrency` at once, as the worker's event source mapping
 * does: a message the handler does not name as failed is deleted, a failed one (every one, when it throws) comes
 * back after the visibility timeout. Resolves when the queue holds nothing more.
 */
export async function drainMemoryQueue(
  queue: MemoryQueue,
  handler: (records: QueueRecord[]) => Promise<BatchResponse>,
  concurrency = 3,
): Promise<void> {
  const running = new Set<Promise<void>>();
  for (;;) {
    while (running.size < concurrency) {
      const [message] = await queue.receive(1);
      if (!message) break;
      const job: Promise<void> = handler([
        { messageId: message.id, body: message.body, receiveCount: message.receiveCount },
      ])
        .then(
          (response) => (response.batchItemFailures.length === 0 ? queue.delete(message.receiptHandle) : undefined),
          () => undefined,
        )
        .finally(() => running.delete(job));
      running.add(job);
    }
    if (running.size === 0 && queue.size === 0) return;
    await Promise.race([...running, delay(5)]);
  }
}
