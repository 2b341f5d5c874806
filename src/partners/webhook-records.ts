import type { Item, KeyValueTable } from '../ports.ts';

/*
 * What became of each webhook delivery attempt, kept in the send ledger for the pickup report: one item per attempt
 * (pk `webhook#<partner id>`, sk `<ISO time>#<event id>`), expiring after WEBHOOK_RECORD_DAYS. The last attempt the
 * queue allows is recorded as dead-lettered: SQS parks the message once the worker hands it back.
 */

export type WebhookOutcome = 'acknowledged' | 'retrying' | 'dead-lettered';

export interface WebhookRecord {
  partner: string;
  eventId: string;
  at: Date;
  outcome: WebhookOutcome;
  /** The delivery attempt, 1 the first time. */
  attempt: number;
  /** The receiver's HTTP status, when it answered. */
  status?: number;
  /** Why there was no answer, or why it was not posted. */
  error?: string;
}

export const WEBHOOK_RECORD_DAYS = 90;
const PARTITION = 'webhook#';

export const webhookRecordPartition = (partner: string) => `${PARTITION}${partner}`;

/** A delivery that did not succeed is dead-lettered on the queue's last receive, else it comes back. */
export function webhookOutcome(delivered: boolean, attempt: number, maxReceiveCount: number): WebhookOutcome {
  if (delivered) return 'acknowledged';
  return attempt >= maxReceiveCount ? 'dead-lettered' : 'retrying';
}

export function webhookRecordItem(record: WebhookRecord): Item {
  return {
    pk: webhookRecordPartition(record.partner),
    sk: `${record.at.toISOString()}#${record.eventId}`,
    eventId: record.eventId,
    outcome: record.outcome,
    attempt: record.attempt,
    ...(record.status !== undefined && { status: record.status }),
    ...(record.error !== undefined && { error: record.error }),
    expiresAt: Math.floor(record.at.getTime() / 1000) + WEBHOOK_RECORD_DAYS * 86_400,
  };
}

function recordOf(partner: string, item: Item): WebhookRecord | undefined {
  const sk = String(item.sk ?? '');
  const at = new Date(sk.slice(0, sk.indexOf('#')));
  const outcome = item.outcome;
  if (Number.isNaN(at.getTime()) || typeof item.eventId !== 'string') return undefined;
  if (outcome !== 'acknowledged' && outcome !== 'retrying' && outcome !== 'dead-lettered') return undefined;
  return {
    partner,
    eventId: item.eventId,
    at,
    outcome,
    attempt: typeof item.attempt === 'number' ? item.attempt : 1,
    ...(typeof item.status === 'number' && { status: item.status }),
    ...(typeof item.error === 'string' && { error: item.error }),
  };
}

/** The partner's records since `since`, newest first: read newest first and no further back than `since`. */
export async function webhookRecordsSince(
  table: KeyValueTable,
  partner: string,
  since: Date,
): Promise<WebhookRecord[]> {
  const from = since.toISOString();
  const records: WebhookRecord[] = [];
  let cursor: string | undefined;
  do {
    const page = await table.query(webhookRecordPartition(partner), {
      newestFirst: true,
      limit: 100,
      ...(cursor && { cursor }),
    });
    for (const item of page.items) {
      if (String(item.sk ?? '') < from) return records;
      const record = recordOf(partner, item);
      if (record) records.push(record);
    }
    cursor = page.cursor;
  } while (cursor);
  return records;
}

/** Each event's latest attempt: what became of the delivery, as far as the records say. */
export function latestPerEvent(records: readonly WebhookRecord[]): WebhookRecord[] {
  const latest = new Map<string, WebhookRecord>();
  for (const record of records) {
    const known = latest.get(record.eventId);
    if (
      !known ||
      record.at > known.at ||
      (record.at.getTime() === known.at.getTime() && record.attempt > known.attempt)
    )
      latest.set(record.eventId, record);
  }
  return [...latest.values()].sort((a, b) => b.at.getTime() - a.at.getTime());
}
