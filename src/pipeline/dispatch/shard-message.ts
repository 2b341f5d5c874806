import { BroadsheetError } from '../../errors.ts';
/** The dispatch queue's message: one shard of recipients of one dispatch. */
export interface ShardMessage {
  /** 2: recipients are subscriber ids alone (the worker reads each address and status when it sends); 1 (older
   * messages still queued) also carried each address, which is now ignored. */
  v: 2;
  dispatchId: string;
  slug: string;
  templateKey: string;
  shard: number;
  recipients: { id: string }[];
}

/** A subscriber id as the subscribers table keys it (src/subscribers/tokens.ts subscriberId). */
export const SUBSCRIBER_ID = /^[A-Za-z0-9_-]{22}$/;

export class MalformedShardError extends BroadsheetError {
  override name = 'MalformedShardError';
}

export function encodeShard(message: ShardMessage): string {
  return JSON.stringify(message);
}

const isText = (value: unknown): value is string => typeof value === 'string' && value.length > 0;

/** The message, or MalformedShardError saying what is wrong (never echoing an address). */
export function parseShard(body: string): ShardMessage {
  let raw: unknown;
  try {
    raw = JSON.parse(body);
  } catch (err) {
    throw new MalformedShardError('body is not JSON', { cause: err });
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    throw new MalformedShardError('body is not a JSON object');
  const m = raw as Record<string, unknown>;
  if (m.v !== 1 && m.v !== 2) throw new MalformedShardError(`unknown message version ${JSON.stringify(m.v)}`);
  for (const field of ['dispatchId', 'slug', 'templateKey'] as const) {
    if (!isText(m[field])) throw new MalformedShardError(`${field} is missing or not a string`);
  }
  if (!Number.isSafeInteger(m.shard) || (m.shard as number) < 0)
    throw new MalformedShardError('shard is not a non-negative integer');
  if (!Array.isArray(m.recipients) || m.recipients.length === 0)
    throw new MalformedShardError('recipients is not a non-empty array');
  const recipients = m.recipients.map((r: unknown, i) => {
    const recipient = r as Record<string, unknown> | null;
    if (!recipient || !isText(recipient.id) || !SUBSCRIBER_ID.test(recipient.id))
      throw new MalformedShardError(`recipient ${i} lacks a subscriber id`);
    return { id: recipient.id };
  });
  return {
    v: 2,
    dispatchId: m.dispatchId as string,
    slug: m.slug as string,
    templateKey: m.templateKey as string,
    shard: m.shard as number,
    recipients,
  };
}
