import { encodeS3EventKey, type S3NotificationEvent, type S3NotificationRecord } from '../adapters/s3-event.ts';

export type ObjectEventListener = (event: S3NotificationEvent) => void | Promise<void>;

/**
 * Turns s3rver's in-process events into S3 event notifications as Lambda would receive them, and hands them to
 * listeners after the request that caused them (S3 notifies asynchronously too).
 *
 * It repairs where s3rver differs from S3: s3rver puts the key unencoded (S3 URL-encodes it, spaces as `+`), its
 * sequencer is the time in milliseconds, equal for two events within one millisecond (S3's increases per key), and
 * its bucket ARN is malformed.
 */
export class ObjectEventRelay {
  private readonly listeners = new Set<ObjectEventListener>();
  private readonly pending = new Set<Promise<void>>();
  private lastSequence = 0n;

  constructor(private readonly log: (line: string) => void = () => {}) {}

  /** Adds a listener; call the returned function to remove it. */
  subscribe(listener: ObjectEventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Takes an event as s3rver emits it. */
  accept(raw: unknown): void {
    const event = this.toNotification(raw);
    if (!event) return;
    for (const listener of this.listeners) {
      const delivery = new Promise<void>((resolve) => setImmediate(resolve))
        .then(() => listener(structuredClone(event)))
        .catch((err: unknown) => this.log(`object event listener failed: ${(err as Error)?.stack ?? String(err)}`))
        .finally(() => this.pending.delete(delivery));
      this.pending.add(delivery);
    }
  }

  /** Resolves once every event delivered so far, and any delivered meanwhile, has been handled. */
  async settled(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }

  private toNotification(raw: unknown): S3NotificationEvent | undefined {
    const record = (raw as { Records?: S3NotificationRecord[] })?.Records?.[0];
    if (!record?.s3?.object?.key) return undefined;
    const sequence = BigInt(Date.now()) << 16n;
    this.lastSequence = sequence > this.lastSequence ? sequence : this.lastSequence + 1n;
    return {
      Records: [
        {
          ...record,
          s3: {
            ...record.s3,
            bucket: { ...record.s3.bucket, arn: `arn:aws:s3:::${record.s3.bucket.name}` },
            object: {
              ...record.s3.object,
              key: encodeS3EventKey(record.s3.object.key),
              sequencer: this.lastSequence.toString(16).toUpperCase().padStart(16, '0'),
            },
          },
        },
      ],
    };
  }
}
