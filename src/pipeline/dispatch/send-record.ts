import type { SendStatus } from './ledger-keys.ts';

/** What the ledger learns of one recipient: the send item it keeps. */
export interface SendRecord {
  subscriberId: string;
  status: SendStatus;
  messageId?: string;
  reason?: string;
}

/** Why a shard stopped before its end; a shard stopped for any reason but 'dispatch stopped' or 'dispatch paused' comes
 * back by itself (a paused one comes back when the desk resumes it). */
export type StopReason =
  | 'throttled'
  | 'out of time'
  | 'ledger'
  | 'send failed'
  | 'lease lost'
  | 'dispatch stopped'
  | 'dispatch paused';
