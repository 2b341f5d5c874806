/** How a dispatch to many subscribers at the account's send rate works out: shards, workers, wall time. */
export interface ScalePlan {
  subscribers: number;
  ratePerSecond: number;
  shardSize: number;
  shards: number;
  /** One worker's share of the rate (the worker's own limit). */
  perWorkerRatePerSecond: number;
  /** Reserved concurrency the dispatch worker needs to reach the account rate. */
  concurrency: number;
  /** Seconds one worker spends on one shard at its share of the rate. */
  shardSeconds: number;
  /** Seconds from the first send to the last, at the account rate. */
  wallSeconds: number;
}

/**
 * `workerRatePerSecond` is what one worker can send a second on its own (its SES round trips); the account
 * rate is shared out so that concurrency = ceil(rate / per-worker rate).
 */
export function planForScale(input: {
  subscribers: number;
  ratePerSecond: number;
  shardSize: number;
  workerRatePerSecond: number;
}): ScalePlan {
  const { subscribers, ratePerSecond, shardSize, workerRatePerSecond } = input;
  for (const [name, value] of Object.entries(input)) {
    if (!(value > 0) || !Number.isFinite(value)) throw new RangeError(`${name} must be a positive number`);
  }
  const concurrency = Math.ceil(ratePerSecond / workerRatePerSecond);
  const perWorker = ratePerSecond / concurrency;
  const shards = Math.ceil(subscribers / shardSize);
  return {
    subscribers,
    ratePerSecond,
    shardSize,
    shards,
    perWorkerRatePerSecond: perWorker,
    concurrency,
    shardSeconds: Math.min(shardSize, subscribers) / perWorker,
    wallSeconds: Math.ceil(subscribers / ratePerSecond),
  };
}
