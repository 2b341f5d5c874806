import { describe, expect, it } from 'vitest';
import type { Clock } from '../../src/ports.ts';
import { AGAIN, retry, RetriesExhaustedError } from '../../src/retry.ts';

/** A clock that records the waits it is asked for and returns at once. */
function recordingClock(): Clock & { waits: number[] } {
  const waits: number[] = [];
  return { waits, now: () => new Date(0), sleep: async (ms: number) => void waits.push(ms) };
}

const policy = { attempts: 5, baseMs: 10, capMs: 50 };

describe('retry', () => {
  it('tries a failing call again with exponential waits capped by the policy, then gives the last error', async () => {
    const clock = recordingClock();
    let calls = 0;
    const failures: number[] = [];
    const outcome = retry(
      clock,
      policy,
      async (n) => {
        calls += 1;
        throw new Error(`failure ${n}`);
      },
      { random: () => 0.999, onFailure: (n) => failures.push(n) },
    );
    await expect(outcome).rejects.toThrow('failure 5');
    expect(calls).toBe(5);
    expect(failures).toEqual([1, 2, 3, 4, 5]);
    expect(clock.waits.map(Math.round)).toEqual([10, 20, 40, 50]);
  });

  it('returns the first value, after as many attempts as needed', async () => {
    const clock = recordingClock();
    const value = await retry(clock, policy, async (n) => (n < 3 ? AGAIN : `done on ${n}`));
    expect(value).toBe('done on 3');
    expect(clock.waits).toHaveLength(2);
  });

  it('says what kept changing when every attempt lost its race', async () => {
    const clock = recordingClock();
    const outcome = retry(clock, policy, async () => AGAIN, {
      exhausted: (n) => new RetriesExhaustedError(`index kept changing after ${n} attempts`),
    });
    await expect(outcome).rejects.toThrow('index kept changing after 5 attempts');
    await expect(retry(clock, policy, async () => AGAIN)).rejects.toBeInstanceOf(RetriesExhaustedError);
  });

  it('throws an error that is not worth another attempt at once, without waiting', async () => {
    const clock = recordingClock();
    let calls = 0;
    const outcome = retry(
      clock,
      policy,
      async () => {
        calls += 1;
        throw new TypeError('bad input');
      },
      { retryable: (err) => !(err instanceof TypeError) },
    );
    await expect(outcome).rejects.toBeInstanceOf(TypeError);
    expect(calls).toBe(1);
    expect(clock.waits).toEqual([]);
  });
});
