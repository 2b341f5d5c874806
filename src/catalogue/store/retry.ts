import { BroadsheetError } from '../../errors.ts';
import type { Clock } from '../../ports.ts';
import { AGAIN, retry, type BackoffPolicy } from '../../retry.ts';

export { AGAIN };

/** One optimistic read-decide-write loop: 12 attempts before the event fails (and is delivered again), full jitter
 * from 20 ms up to 2 s between them. */
export const RACE_POLICY: BackoffPolicy = { attempts: 12, baseMs: 20, capMs: 2_000 };

export class ContentionError extends BroadsheetError {
  override name = 'ContentionError';
}

/**
 * Runs a read-decide-write attempt until it stops saying AGAIN (it lost a race: another writer moved the object
 * it read). Errors are not retried here: the event is delivered again instead. `what` names what kept changing.
 */
export function untilWritten<T>(
  clock: Clock,
  what: string,
  attempt: (n: number) => Promise<T | typeof AGAIN>,
): Promise<T> {
  return retry(clock, RACE_POLICY, attempt, {
    retryable: () => false,
    exhausted: (attempts) => new ContentionError(`${what} after ${attempts} attempts`),
  });
}
