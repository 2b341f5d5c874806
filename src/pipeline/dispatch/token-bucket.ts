import type { Clock } from '../../ports.ts';

export interface TokenBucket {
  /** Resolves when one send may go out. */
  take(): Promise<void>;
}

/**
 * A token bucket of `ratePerSecond` tokens a second holding at most `burst`. Each caller reserves its token at
 * once (the balance may go negative) and sleeps until the reservation is covered, so concurrent callers never
 * take more than the rate between them.
 */
export function createTokenBucket(options: { ratePerSecond: number; burst?: number; clock: Clock }): TokenBucket {
  const { ratePerSecond: rate, clock } = options;
  if (!(rate > 0)) throw new RangeError(`token bucket rate must be positive, not ${rate}`);
  if (rate === Infinity) return { take: async () => {} };
  const burst = options.burst ?? Math.max(1, rate);
  let tokens = burst;
  let last = clock.now().getTime();
  return {
    async take() {
      const now = clock.now().getTime();
      tokens = Math.min(burst, tokens + ((now - last) / 1000) * rate);
      last = now;
      tokens -= 1;
      if (tokens < 0) await clock.sleep((-tokens / rate) * 1000);
    },
  };
}

/**
 * One worker's share of the account's send rate: with reserved concurrency N, N workers each at rate / N never
 * pass the account's rate together.
 */
export function workerTokenBucket(sendRatePerSecond: number, workerConcurrency: number, clock: Clock): TokenBucket {
  const rate = sendRatePerSecond / Math.max(1, workerConcurrency);
  return createTokenBucket({ ratePerSecond: rate, burst: Math.max(1, rate), clock });
}
