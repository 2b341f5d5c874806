import { performance } from 'node:perf_hooks';

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Runs `fn` `warmup` times unmeasured, then `runs` times; returns the median in milliseconds. */
export async function warmMedianMs(fn: () => unknown, runs: number, warmup = 3): Promise<number> {
  for (let i = 0; i < warmup; i++) await fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await fn();
    times.push(performance.now() - start);
  }
  return round(median(times));
}

/** Interleaves workloads run for run, so all see the same machine load; returns their medians in order. */
export async function interleavedMedianMs(
  workloads: readonly (() => unknown)[],
  runs: number,
  warmup = 3,
): Promise<number[]> {
  for (let i = 0; i < warmup; i++) for (const fn of workloads) await fn();
  const times = workloads.map((): number[] => []);
  for (let i = 0; i < runs; i++) {
    for (const [k, fn] of workloads.entries()) {
      const start = performance.now();
      await fn();
      times[k]!.push(performance.now() - start);
    }
  }
  return times.map((t) => round(median(t)));
}

/** Two workloads interleaved run for run; returns both medians. */
export async function pairedMedianMs(
  a: () => unknown,
  b: () => unknown,
  runs: number,
  warmup = 3,
): Promise<[number, number]> {
  const [first, second] = await interleavedMedianMs([a, b], runs, warmup);
  return [first!, second!];
}

export const round = (n: number, places = 3) => Math.round(n * 10 ** places) / 10 ** places;
export const mb = (bytes: number) => round(bytes / 1024 / 1024, 2);
