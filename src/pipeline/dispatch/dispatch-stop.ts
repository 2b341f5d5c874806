import type { Logger } from '../../log.ts';
import type { Clock, KeyValueTable } from '../../ports.ts';
import { retry, type BackoffPolicy } from '../../retry.ts';
import type { StopRequest } from '../publish/dispatch-request.ts';
import { dispatchStopKey } from './ledger-keys.ts';

/** The stop record of one dispatch, as the ledger keeps it. */
export interface DispatchStop {
  slug: string;
  reason: string;
  stoppedAt: string;
  /** The desk's own words, when it cancelled the dispatch. */
  note?: string;
}

export interface StopDeps {
  ledger: KeyValueTable;
  clock: Clock;
  log: Logger;
  backoff?: BackoffPolicy;
  random?: () => number;
}

const STOP_BACKOFF: BackoffPolicy = { attempts: 6, baseMs: 50, capMs: 2_000 };

/**
 * Stops a dispatch with one create-only write, `{ pk: 'dispatch#<id>', sk: 'stop' }`, whatever the number of its
 * shards or recipients. The planner queues nothing for a stopped dispatch; a worker reads the record before the
 * first send of a shard and again every few seconds while it sends (and at every lease renewal), and once it sees
 * it, sends nothing more, marks its shard 'stopped' with the count sent, and acknowledges the message. A dispatch
 * may be stopped before it is planned. Stopping it again keeps the first record (its time) and writes nothing.
 */
export async function stopDispatch(deps: StopDeps, request: StopRequest): Promise<'stopped' | 'already stopped'> {
  const log = deps.log.child({ dispatchId: request.dispatchId, slug: request.slug });
  const record = {
    ...dispatchStopKey(request.dispatchId),
    slug: request.slug,
    reason: request.reason,
    stoppedAt: deps.clock.now().toISOString(),
    ...(request.note !== undefined && { note: request.note }),
  };
  const created = await retry(deps.clock, deps.backoff ?? STOP_BACKOFF, () => deps.ledger.putIfAbsent(record), {
    onFailure: (attempt, err) => log.warn('could not write the dispatch stop record', { attempt, error: err }),
    ...(deps.random && { random: deps.random }),
  });
  if (created) log.warn('dispatch stopped: the workers send nothing more of it', { reason: request.reason });
  else log.info('dispatch stopped already; nothing changed', { reason: request.reason });
  return created ? 'stopped' : 'already stopped';
}

/** The dispatch's stop record, or undefined while it may go on. */
export async function readDispatchStop(ledger: KeyValueTable, dispatchId: string): Promise<DispatchStop | undefined> {
  const item = await ledger.get(dispatchStopKey(dispatchId));
  if (!item) return undefined;
  return {
    slug: String(item.slug ?? ''),
    reason: String(item.reason ?? ''),
    stoppedAt: String(item.stoppedAt ?? ''),
    ...(typeof item.note === 'string' && { note: item.note }),
  };
}
