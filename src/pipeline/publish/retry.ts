import type { Clock } from '../../ports.ts';
import { BroadsheetError } from '../../errors.ts';

/** Attempts of one optimistic read-decide-write loop before the event fails (and is delivered again). */
export const MAX_ATTEMPTS = 12;

/** Full jitter, so writers that collided once spread out instead of colliding again in step. */
export function backoff(clock: Clock, attempt: number): Promise<void> {
  const cap = Math.min(2_000, 20 * 2 ** attempt);
  return clock.sleep(Math.floor(Math.random() * cap));
}

export class ContentionError extends BroadsheetError {
  override name = 'ContentionError';
}
