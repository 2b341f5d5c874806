import type { Item, KeyValueTable } from '../../ports.ts';
import type { DispatchStop } from './dispatch-stop.ts';
import { dispatchControlKey, dispatchPartition } from './ledger-keys.ts';

/** Who paused a dispatch: the desk, or the dispatch itself when its bounces or complaints passed their limit. */
export type PausedBy = 'desk' | 'auto';

/** The desk's hold on a dispatch: while `paused`, no worker sends any of it. */
export interface DispatchControl {
  paused: boolean;
  reason?: string;
  by?: PausedBy;
  pausedAt?: string;
  resumedAt?: string;
  /** The SES figures when it was last resumed: the automatic pause judges what came after. */
  baseline?: { delivered: number; bounced: number; complained: number };
}

/** Everything a dispatch keeps under its own partition, read in one query. */
export interface DispatchRecords {
  state?: Item;
  stop?: DispatchStop;
  control?: DispatchControl;
  schedule?: { slug: string; sendAt: string };
  /** For a digest: the editorials withdrawn since it was planned (digestWithdrawnKey). */
  withdrawn?: string[];
}

const WITHDRAWN = 'withdrawn#';

export async function readDispatchRecords(ledger: KeyValueTable, dispatchId: string): Promise<DispatchRecords> {
  const page = await ledger.query(dispatchPartition(dispatchId));
  const records: DispatchRecords = {};
  for (const item of page.items) {
    if (item.sk === 'state') records.state = item;
    else if (item.sk === 'stop')
      records.stop = {
        slug: String(item.slug ?? ''),
        reason: String(item.reason ?? ''),
        stoppedAt: String(item.stoppedAt ?? ''),
        ...(typeof item.note === 'string' && { note: item.note }),
      };
    else if (item.sk === 'control') records.control = controlOf(item);
    else if (item.sk === 'schedule')
      records.schedule = { slug: String(item.slug ?? ''), sendAt: String(item.sendAt ?? '') };
    else if (typeof item.sk === 'string' && item.sk.startsWith(WITHDRAWN))
      (records.withdrawn ??= []).push(item.sk.slice(WITHDRAWN.length));
  }
  return records;
}

function controlOf(item: Item): DispatchControl {
  const baseline = item.baseline as DispatchControl['baseline'] | undefined;
  return {
    paused: item.paused === true,
    ...(typeof item.reason === 'string' && { reason: item.reason }),
    ...((item.by === 'desk' || item.by === 'auto') && { by: item.by }),
    ...(typeof item.pausedAt === 'string' && { pausedAt: item.pausedAt }),
    ...(typeof item.resumedAt === 'string' && { resumedAt: item.resumedAt }),
    ...(baseline && typeof baseline === 'object' && { baseline }),
  };
}

/**
 * Holds the dispatch: from the next check of each worker (every few seconds) nothing more of it is sent.
 * `onlyIfRunning`: set by the automatic pause, which must not pause again what the desk resumed, nor overwrite the
 * desk's reason; true when this call paused it.
 */
export async function writePause(
  ledger: KeyValueTable,
  dispatchId: string,
  pause: { reason: string; by: PausedBy; at: string },
  onlyIfRunning = false,
): Promise<boolean> {
  const key = dispatchControlKey(dispatchId);
  const set = { paused: true, reason: pause.reason, by: pause.by, pausedAt: pause.at };
  if (await ledger.putIfAbsent({ ...key, ...set })) return true;
  const changed = await ledger.update(key, { set, ...(onlyIfRunning && { expected: { paused: false } }) });
  return changed !== undefined;
}

/** Lets the dispatch's workers send again; the baseline is what the automatic pause judges from now on. */
export async function writeResume(
  ledger: KeyValueTable,
  dispatchId: string,
  at: string,
  baseline: NonNullable<DispatchControl['baseline']>,
): Promise<void> {
  const key = dispatchControlKey(dispatchId);
  const set = { paused: false, resumedAt: at, baseline };
  if (await ledger.update(key, { set })) return;
  await ledger.putIfAbsent({ ...key, ...set });
}
