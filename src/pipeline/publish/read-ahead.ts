/**
 * Each item with what `read` gives for it, in the items' order, while up to `width` reads are already under way
 * for the items that follow: a long sequence of reads takes the time of its slowest stretch, not of their sum,
 * and memory holds only the reads in flight.
 */
export async function* readAhead<T, R>(
  items: readonly T[],
  width: number,
  read: (item: T) => Promise<R>,
): AsyncGenerator<[T, R]> {
  const pending: Promise<R>[] = [];
  let next = 0;
  for (const item of items) {
    while (next < items.length && pending.length < width) {
      const reading = read(items[next++]!);
      // Its failure is thrown when its turn comes, not reported as unhandled while it waits.
      reading.catch(() => {});
      pending.push(reading);
    }
    yield [item, await pending.shift()!];
  }
}

/**
 * Writes that need not finish before the next one starts, up to `width` at a time: add() waits only while that
 * many are under way, and settle() waits for the rest. The first failure is thrown by add() or settle().
 */
export function writeBehind(width: number): {
  add(write: () => Promise<unknown>): Promise<void>;
  settle(): Promise<void>;
} {
  const running = new Set<Promise<unknown>>();
  let failure: { error: unknown } | undefined;
  const check = () => {
    if (failure) throw failure.error;
  };
  return {
    async add(write) {
      check();
      const task: Promise<unknown> = write()
        .catch((error: unknown) => void (failure ??= { error }))
        .finally(() => running.delete(task));
      running.add(task);
      while (running.size >= width) await Promise.race(running);
      check();
    },
    async settle() {
      await Promise.all(running);
      check();
    },
  };
}
