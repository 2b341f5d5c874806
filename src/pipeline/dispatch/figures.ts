import type { Item, KeyValueTable } from '../../ports.ts';
import { partitionPages } from './partition-pages.ts';
import { FIGURE_SHARDS, figureShardKey, figuresPartition } from './ledger-keys.ts';
import { tagValue } from './recipient-sender.ts';

/**
 * A dispatch's figures: what the workers sent or failed to send (or skipped: readers no longer confirmed when their
 * shard was sent), and what SES said of the messages afterwards.
 * `delivered`, `bounced` (hard: the address does not exist), `softBounced` (refused for now), `complained`,
 * `rejected` (SES refused to send: a virus or a suppressed address), `delayed` (SES is still trying),
 * `suppressed` (addresses this dispatch put on the suppression list or that SES's own list refused), and, only where
 * the publication tracks them, `opened` and `clicked` (unique messages, machine opens left out).
 */
export const FIGURES = [
  'sent',
  'failed',
  'skipped',
  'delivered',
  'bounced',
  'softBounced',
  'complained',
  'rejected',
  'delayed',
  'suppressed',
  'opened',
  'clicked',
] as const;
export type Figure = (typeof FIGURES)[number];
export type Figures = Record<Figure, number> & {
  /** When a counter last moved. */
  lastAt?: string;
};

export const noFigures = (): Figures => Object.fromEntries(FIGURES.map((f) => [f, 0])) as unknown as Figures;

/** The key figures are kept under: the dispatch id as SES tags carry it back. */
export const dispatchTag = (dispatchId: string): string => tagValue(dispatchId);

/**
 * Adds to one of the dispatch's FIGURE_SHARDS counter items (`shard` modulo their number), so the counters take
 * FIGURE_SHARDS times the writes one DynamoDB item can. A counter item is created on its first use.
 */
export async function addFigures(
  ledger: KeyValueTable,
  tag: string,
  counts: Partial<Record<Figure, number>>,
  at: string,
  shard: number,
): Promise<void> {
  const increment = Object.fromEntries(
    Object.entries(counts).filter(([, n]) => typeof n === 'number' && n !== 0),
  ) as Record<string, number>;
  if (Object.keys(increment).length === 0) return;
  const key = figureShardKey(tag, ((shard % FIGURE_SHARDS) + FIGURE_SHARDS) % FIGURE_SHARDS);
  const change = { increment, set: { lastAt: at } };
  if (await ledger.update(key, change)) return;
  await ledger.putIfAbsent({ ...key, ...noFigures() });
  await ledger.update(key, change);
}

/** Every counter of the dispatch, summed: one query of at most FIGURE_SHARDS items, whatever its size. */
export async function readFigures(ledger: KeyValueTable, tag: string): Promise<Figures> {
  const total = noFigures();
  for await (const items of partitionPages(ledger, figuresPartition(tag)))
    for (const item of items) addItem(total, item);
  return total;
}

function addItem(total: Figures, item: Item): void {
  for (const figure of FIGURES) {
    const n = Number(item[figure] ?? 0);
    if (Number.isFinite(n)) total[figure] += n;
  }
  if (typeof item.lastAt === 'string' && (total.lastAt === undefined || item.lastAt > total.lastAt))
    total.lastAt = item.lastAt;
}
