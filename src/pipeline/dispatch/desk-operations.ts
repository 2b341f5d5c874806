import type { Logger } from '../../log.ts';
import type { Clock, KeyValueTable, Queue } from '../../ports.ts';
import {
  readDispatchRecords,
  writePause,
  writeResume,
  type DispatchRecords,
  type PausedBy,
} from './dispatch-control.ts';
import { stopDispatch } from './dispatch-stop.ts';
import { dispatchTag, readFigures, type Figures } from './figures.ts';
import { partitionPages } from './partition-pages.ts';
import {
  DISPATCH_LIST_PARTITION,
  shardLeaseKey,
  shardLeasePartition,
  shardRecordPartition,
  slugDispatchPartition,
} from './ledger-keys.ts';
import { recordedShards } from './shard-records.ts';

/** What the desk's commands need: the ledger, and the dispatch queue a resume puts the unsent shards back on. */
export interface DeskDeps {
  ledger: KeyValueTable;
  queue: Queue;
  clock: Clock;
  log: Logger;
}

export const DISPATCH_STATES = ['scheduled', 'planning', 'sending', 'paused', 'cancelled', 'finished'] as const;
export type DispatchState = (typeof DISPATCH_STATES)[number];

/** One dispatch as `broadsheet dispatch status --json` prints it. */
export interface DispatchStatus extends Omit<Figures, 'lastAt'> {
  slug: string;
  dispatchId: string;
  state: DispatchState;
  /** How many the planner put in shards; null until planning ends. */
  recipients: number | null;
  startedAt: string | null;
  finishedAt: string | null;
  /** When a scheduled email goes out. */
  sendAt?: string;
  /** Why it is paused, who paused it ('desk' or 'auto') and when. */
  pausedBecause?: string;
  pausedBy?: PausedBy;
  pausedAt?: string;
  resumedAt?: string;
  /** Why it was cancelled ('cancelled' by the desk, or 'removed' / 'withdrawn' with the editorial), the desk's words, and when. */
  cancelledBecause?: string;
  cancelledNote?: string;
  cancelledAt?: string;
}

/**
 * A dispatch's status from a fixed number of reads whatever its size: one query of its own partition (state, stop,
 * pause, schedule) and one of its counters.
 */
export async function dispatchStatus(ledger: KeyValueTable, dispatchId: string): Promise<DispatchStatus | undefined> {
  const [records, figures] = await Promise.all([
    readDispatchRecords(ledger, dispatchId),
    readFigures(ledger, dispatchTag(dispatchId)),
  ]);
  if (!records.state && !records.schedule && !records.stop) return undefined;
  return statusOf(dispatchId, records, figures);
}

export function statusOf(dispatchId: string, records: DispatchRecords, figures: Figures): DispatchStatus {
  const { state, stop, control, schedule } = records;
  const planned = state?.status === 'planned';
  const recipients = planned ? Number(state.recipients ?? 0) : null;
  const done = recipients !== null && figures.sent + figures.failed + figures.skipped >= recipients;
  const stateName: DispatchState = done
    ? 'finished'
    : stop
      ? 'cancelled'
      : control?.paused
        ? 'paused'
        : !state
          ? 'scheduled'
          : state.status === 'planning'
            ? 'planning'
            : 'sending';
  const { lastAt, ...counts } = figures;
  const text = (value: unknown) => (typeof value === 'string' ? value : null);
  return {
    slug: String(state?.slug ?? schedule?.slug ?? stop?.slug ?? ''),
    dispatchId,
    state: stateName,
    recipients,
    ...counts,
    startedAt: text(state?.startedAt),
    finishedAt: done ? (lastAt ?? text(state?.plannedAt)) : null,
    ...(schedule && { sendAt: schedule.sendAt }),
    ...(control?.paused && {
      ...(control.reason !== undefined && { pausedBecause: control.reason }),
      ...(control.by !== undefined && { pausedBy: control.by }),
      ...(control.pausedAt !== undefined && { pausedAt: control.pausedAt }),
    }),
    ...(control?.resumedAt !== undefined && { resumedAt: control.resumedAt }),
    ...(stop && {
      cancelledBecause: stop.reason,
      cancelledAt: stop.stoppedAt,
      ...(stop.note !== undefined && { cancelledNote: stop.note }),
    }),
  };
}

/** The current dispatch of a slug (its newest), or the dispatch of that very id. */
export async function findDispatch(ledger: KeyValueTable, slugOrId: string): Promise<string | undefined> {
  const newest = await ledger.query(slugDispatchPartition(slugOrId), { newestFirst: true, limit: 1 });
  const item = newest.items[0];
  if (typeof item?.dispatchId === 'string') return item.dispatchId;
  const records = await readDispatchRecords(ledger, slugOrId);
  return records.state || records.schedule || records.stop ? slugOrId : undefined;
}

/** The newest `limit` dispatches, newest first: one query and two reads each, whatever the history behind them. */
export async function listDispatches(ledger: KeyValueTable, limit = 20): Promise<DispatchStatus[]> {
  const page = await ledger.query(DISPATCH_LIST_PARTITION, { newestFirst: true, limit });
  const ids = page.items.map((item) => String(item.dispatchId ?? ''));
  const statuses = await Promise.all(ids.map((id) => dispatchStatus(ledger, id)));
  return statuses.filter((s): s is DispatchStatus => s !== undefined);
}

export type DeskOutcome = 'done' | 'already' | 'finished' | 'cancelled' | 'not paused' | 'unknown';

export interface DeskAnswer {
  outcome: DeskOutcome;
  status?: DispatchStatus;
  /** Resume: the shards put back on the queue. */
  requeued?: number;
}

/** Holds a dispatch: every worker stops sending it within its next check (a few seconds). */
export async function pauseDispatch(
  deps: DeskDeps,
  slugOrId: string,
  reason = 'paused by the desk',
): Promise<DeskAnswer> {
  const found = await current(deps, slugOrId);
  if (!found) return { outcome: 'unknown' };
  const { id, status } = found;
  if (status.state === 'finished' || status.state === 'cancelled') return { outcome: status.state, status };
  if (status.state === 'paused') return { outcome: 'already', status };
  await writePause(deps.ledger, id, { reason, by: 'desk', at: deps.clock.now().toISOString() });
  deps.log.warn('dispatch paused by the desk', { dispatchId: id, reason });
  return { outcome: 'done', status: (await dispatchStatus(deps.ledger, id))! };
}

/**
 * Lets a paused dispatch go on: the pause is lifted, then every shard not finished is queued again. A worker sends
 * only to those of a shard without a send record, and a shard still held by a worker comes back later, so a resume
 * sends to exactly those not yet sent. Its cost follows the dispatch's shards, never the history.
 */
export async function resumeDispatch(deps: DeskDeps, slugOrId: string): Promise<DeskAnswer> {
  const found = await current(deps, slugOrId);
  if (!found) return { outcome: 'unknown' };
  const { id, status } = found;
  if (status.state === 'cancelled' || status.state === 'finished') return { outcome: status.state, status };
  if (status.state !== 'paused') return { outcome: 'not paused', status };
  const baseline = { delivered: status.delivered, bounced: status.bounced, complained: status.complained };
  await writeResume(deps.ledger, id, deps.clock.now().toISOString(), baseline);
  const requeued = await requeueUnfinished(deps, id);
  deps.log.info('dispatch resumed by the desk', { dispatchId: id, requeued });
  return { outcome: 'done', status: (await dispatchStatus(deps.ledger, id))!, requeued };
}

/** Ends a dispatch for good: nothing more of it is sent, and a later resume is refused. */
export async function cancelDispatch(deps: DeskDeps, slugOrId: string, note?: string): Promise<DeskAnswer> {
  const found = await current(deps, slugOrId);
  if (!found) return { outcome: 'unknown' };
  const { id, status } = found;
  if (status.state === 'finished') return { outcome: 'finished', status };
  if (status.state === 'cancelled') return { outcome: 'already', status };
  await stopDispatch(deps, {
    dispatchId: id,
    slug: status.slug,
    reason: 'cancelled',
    ...(note !== undefined && { note }),
  });
  return { outcome: 'done', status: (await dispatchStatus(deps.ledger, id))! };
}

async function current(deps: DeskDeps, slugOrId: string): Promise<{ id: string; status: DispatchStatus } | undefined> {
  const id = await findDispatch(deps.ledger, slugOrId);
  if (!id) return undefined;
  const status = await dispatchStatus(deps.ledger, id);
  return status ? { id, status } : undefined;
}

/** Queues again every recorded shard whose lease is not final ('done' or 'stopped'); returns how many. */
async function requeueUnfinished(deps: DeskDeps, dispatchId: string): Promise<number> {
  const final = new Set<string>();
  for await (const leases of partitionPages(deps.ledger, shardLeasePartition(dispatchId))) {
    for (const lease of leases) if (lease.status === 'done' || lease.status === 'stopped') final.add(String(lease.sk));
  }
  let requeued = 0;
  for await (const records of partitionPages(deps.ledger, shardRecordPartition(dispatchId))) {
    const bodies = records
      .flatMap((record) => recordedShards(record))
      .filter(({ shard }) => !final.has(shardLeaseKey(dispatchId, shard).sk))
      .map(({ body }) => body);
    if (bodies.length > 0) await deps.queue.sendBatch(bodies);
    requeued += bodies.length;
  }
  return requeued;
}
