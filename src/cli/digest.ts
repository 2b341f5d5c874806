import { parseArgs } from 'node:util';
import { isDigestCadence, type DigestCadence } from '../cadence.ts';
import type { Config } from '../config.ts';
import { BroadsheetError } from '../errors.ts';
import {
  isSettled,
  latestSettledPeriod,
  periodEndingOn,
  SETTLE_MS,
  type DigestPeriod,
} from '../pipeline/digest/period.ts';
import { checkOffered, sendDigest, type DigestDeps, type DigestOutcome } from '../pipeline/digest/send-digest.ts';
import { UsageError } from './errors.ts';

export const DIGEST_USAGE = `Usage:
  broadsheet digest send <daily|weekly> [--period YYYY-MM-DD] [--stack <prefix>] [--config <file>]

send     plans the digest of one period through the dispatch planner, as the schedule does:
         exactly once per reader and period, however often it is asked. --period is the
         local date the period ends on (subscription.digests: hour, weekday, timeZone); the
         newest period that has ended when left out. It then shows in dispatch list/status
         as digest-<cadence>-<period>, and can be paused or cancelled like any dispatch.

Exit status: 0 planned (or planned before, or nothing new to send), 1 could not act, 2 usage error.`;

export interface DigestCommandIo {
  out: (line: string) => void;
  err: (line: string) => void;
  now: () => Date;
}

/** `broadsheet digest ...`; `connect` reaches the desk's stack (local run or deployed) once the arguments are checked. */
export async function runDigestCommand(
  argv: string[],
  connect: (options: { stack?: string; configFile?: string }) => Promise<DigestDeps>,
  publication: (configFile?: string) => Config,
  io: DigestCommandIo,
): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      period: { type: 'string' },
      stack: { type: 'string' },
      config: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    io.out(DIGEST_USAGE);
    return 0;
  }
  const [command, cadence, ...extra] = positionals;
  if (command !== 'send') throw new UsageError(command ? `unknown digest command "${command}"` : 'no digest command');
  if (!isDigestCadence(cadence)) throw new UsageError('digest send needs a cadence: daily or weekly');
  if (extra.length > 0) throw new UsageError(`unexpected ${extra.join(' ')}`);
  const config = publication(values.config);
  checkOffered(config, cadence);
  const period = periodOf(cadence, config, values.period, io.now());
  const deps = await connect({
    ...(values.stack !== undefined && { stack: values.stack }),
    ...(values.config !== undefined && { configFile: values.config }),
  });
  io.out(describe(await sendDigest(deps, period)));
  return 0;
}

function periodOf(cadence: DigestCadence, config: Config, given: string | undefined, now: Date): DigestPeriod {
  const settings = config.subscription.digests;
  const period =
    given === undefined ? latestSettledPeriod(cadence, settings, now) : periodEndingOn(cadence, given, settings);
  if (!isSettled(period, now))
    throw new DigestCommandError(
      `the ${cadence} period ${period.id} ends at ${period.end.toISOString()} and its digest can go ${SETTLE_MS / 60_000} minutes later: give an earlier --period, or wait`,
    );
  return period;
}

export class DigestCommandError extends BroadsheetError {
  override name = 'DigestCommandError';
}

const span = (p: DigestPeriod) => `${p.start.toISOString()} to ${p.end.toISOString()}`;

/** One line: what happened to the period, and where to watch it. */
export function describe(outcome: DigestOutcome): string {
  const { dispatchId, period } = outcome;
  if (outcome.outcome === 'empty')
    return `${dispatchId}: nothing became public from ${span(period)}; no digest is sent for this period.`;
  const count = `${outcome.editorials} editorial${outcome.editorials === 1 ? '' : 's'}`;
  if (outcome.outcome === 'already')
    return `${dispatchId}: planned before (${count}); nothing more is sent. Watch it with: broadsheet dispatch status ${dispatchId}`;
  return `${dispatchId}: planned with ${count} from ${span(period)}. Watch it with: broadsheet dispatch status ${dispatchId}`;
}
