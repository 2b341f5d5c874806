import { parseArgs } from 'node:util';
import {
  cancelDispatch,
  dispatchStatus,
  findDispatch,
  listDispatches,
  pauseDispatch,
  resumeDispatch,
  type DeskAnswer,
  type DeskDeps,
  type DispatchStatus,
} from '../pipeline/dispatch/desk-operations.ts';
import { describeStatus, dispatchTable, progressLine } from './dispatch-format.ts';
import { UsageError } from './errors.ts';

export const DISPATCH_USAGE = `Usage:
  broadsheet dispatch list [--json] [--limit <n>]
  broadsheet dispatch status <slug> [--json] [--watch]
  broadsheet dispatch pause <slug> [--reason <text>]
  broadsheet dispatch resume <slug>
  broadsheet dispatch cancel <slug> [--reason <text>]

list     recent dispatches, newest first (default 20)
status   one dispatch: state, recipients, sent, failed, delivered, bounced, complained,
         suppressed; --watch follows it with a progress bar until it finishes
pause    every worker stops sending it within a few seconds; resume sends to exactly
         those not yet sent; cancel is final
<slug> names the editorial's newest dispatch (or give a dispatch id). Add --stack <prefix>
to name the deployed stack (default Broadsheet); a local run's desk.env, once sourced,
points every command at it.`;

export interface DispatchCommandIo {
  /** Prints a line (a newline is added). */
  out: (line: string) => void;
  /** Writes text as it is: the progress bar redraws its own line. */
  write: (text: string) => void;
  err: (line: string) => void;
  /** Whether standard output is a terminal (a live progress bar) or not (a line every few seconds). */
  tty: boolean;
  sleep: (ms: number) => Promise<void>;
  /** How often --watch reads the status. */
  watchEveryMs?: number;
}

/** Runs `broadsheet dispatch ...`; `connect` is called, with `--stack` when given, only once the arguments are known to
 * be right. */
export async function runDispatchCommand(
  argv: string[],
  connect: (stack?: string) => Promise<DeskDeps>,
  io: DispatchCommandIo,
): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      json: { type: 'boolean' },
      watch: { type: 'boolean' },
      reason: { type: 'string' },
      limit: { type: 'string' },
      stack: { type: 'string' },
    },
  });
  const [action, slug, ...extra] = positionals;
  const deps = () => connect(values.stack);
  if (extra.length) throw new UsageError(`dispatch ${action} takes one slug, not ${positionals.length - 1}`);
  if (action === 'list') {
    if (slug !== undefined) throw new UsageError('dispatch list takes no slug');
    const limit = values.limit === undefined ? 20 : Number(values.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > 500)
      throw new UsageError('--limit must be a whole number from 1 to 500');
    const rows = await listDispatches((await deps()).ledger, limit);
    io.out(values.json ? JSON.stringify(rows, null, 2) : dispatchTable(rows));
    return 0;
  }
  if (!['status', 'pause', 'resume', 'cancel'].includes(action ?? '')) {
    throw new UsageError(
      action
        ? `unknown dispatch action "${action}"`
        : 'dispatch needs an action: list, status, pause, resume or cancel',
    );
  }
  if (!slug) throw new UsageError(`dispatch ${action} needs the editorial's slug`);
  if (values.reason !== undefined && (action === 'status' || action === 'resume'))
    throw new UsageError(`--reason goes with pause and cancel, not ${action}`);
  const desk = await deps();
  if (action === 'status') return status(desk, slug, values.json === true, values.watch === true, io);
  const reason = values.reason?.trim() || undefined;
  if (reason !== undefined && reason.length > 500) throw new UsageError('--reason is at most 500 characters');
  const answer =
    action === 'pause'
      ? await pauseDispatch(desk, slug, reason)
      : action === 'resume'
        ? await resumeDispatch(desk, slug)
        : await cancelDispatch(desk, slug, reason);
  return report(action as 'pause' | 'resume' | 'cancel', slug, answer, values.json === true, io);
}

function report(
  action: 'pause' | 'resume' | 'cancel',
  slug: string,
  answer: DeskAnswer,
  json: boolean,
  io: DispatchCommandIo,
): number {
  const s = answer.status;
  const said: Record<DeskAnswer['outcome'], string> = {
    done:
      action === 'pause'
        ? `${slug}: paused. Every worker stops sending it within a few seconds${s ? ` (${s.sent} sent so far)` : ''}. Resume with npx broadsheet dispatch resume ${slug}.`
        : action === 'resume'
          ? `${slug}: resumed. ${answer.requeued ?? 0} ${answer.requeued === 1 ? 'shard' : 'shards'} queued again; only readers without a send are mailed.`
          : `${slug}: cancelled for good. The workers stop within a few seconds${s ? ` (${s.sent} sent so far)` : ''}; a resume will be refused.`,
    already:
      action === 'pause'
        ? `${slug}: already paused (${s?.pausedBecause ?? 'no reason given'}).`
        : `${slug}: already cancelled at ${s?.cancelledAt}.`,
    finished: `${slug}: finished at ${s?.finishedAt ?? 'an earlier time'}; there is nothing left to ${action}.`,
    cancelled: `${slug}: cancelled at ${s?.cancelledAt} (${s?.cancelledBecause}${s?.cancelledNote ? `: ${s.cancelledNote}` : ''}); a cancelled dispatch cannot be ${action === 'resume' ? 'resumed' : 'paused'}.`,
    'not paused': `${slug}: not paused (it is ${s?.state}); there is nothing to resume.`,
    unknown: `${slug}: no dispatch of that slug or id; npx broadsheet dispatch list shows the recent ones.`,
  };
  const ok = answer.outcome === 'done' || answer.outcome === 'already';
  if (json)
    io.out(
      JSON.stringify(
        {
          outcome: answer.outcome,
          ...(s && { status: s }),
          ...(answer.requeued !== undefined && { requeued: answer.requeued }),
        },
        null,
        2,
      ),
    );
  (ok ? io.out : io.err)(said[answer.outcome]);
  return ok ? 0 : 1;
}

async function status(
  desk: DeskDeps,
  slug: string,
  json: boolean,
  watch: boolean,
  io: DispatchCommandIo,
): Promise<number> {
  const id = await findDispatch(desk.ledger, slug);
  const read = async () => (id ? await dispatchStatus(desk.ledger, id) : undefined);
  let current = await read();
  if (!current) {
    io.err(`${slug}: no dispatch of that slug or id; npx broadsheet dispatch list shows the recent ones.`);
    return 1;
  }
  if (!watch) {
    io.out(json ? JSON.stringify(current, null, 2) : describeStatus(current));
    return 0;
  }
  // Follows the dispatch until it ends; the rate is measured over the last few readings.
  const every = io.watchEveryMs ?? 1_000;
  const samples: { at: number; done: number }[] = [];
  let lastPrinted = 0;
  for (;;) {
    const now = Date.now();
    samples.push({ at: now, done: current.sent + current.failed + current.skipped });
    while (samples.length > 10) samples.shift();
    const first = samples[0]!;
    const rate =
      samples.length > 1 && now > first.at
        ? ((current.sent + current.failed + current.skipped - first.done) * 1000) / (now - first.at)
        : undefined;
    const ended = current.state === 'finished' || current.state === 'cancelled';
    if (json) {
      io.out(JSON.stringify(current));
    } else if (io.tty) {
      io.write(`\r\x1b[2K${progressLine(current, rate)}${ended ? '\n' : ''}`);
    } else if (ended || now - lastPrinted >= 5_000) {
      io.out(progressLine(current, rate));
      lastPrinted = now;
    }
    if (ended) break;
    await io.sleep(every);
    current = (await read()) ?? current;
  }
  if (!json) io.out(describeStatus(current as DispatchStatus));
  return 0;
}
