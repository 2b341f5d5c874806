import type { Logger } from '../../log.ts';
import type { Clock, Item, KeyValueTable, ObjectStore, Queue } from '../../ports.ts';
import type { DispatchRequest } from '../publish/dispatch-request.ts';
import { copyTemplateToLedger } from './dispatch-template.ts';
import { dispatchStateKey } from './ledger-keys.ts';
import { encodeShard, SUBSCRIBER_ID, type ShardMessage } from './shard-message.ts';

export interface PlanDeps {
  /** Where the publish stage wrote the dispatch's template (`request.templateKey`). */
  editorials: ObjectStore;
  subscribers: KeyValueTable;
  ledger: KeyValueTable;
  queue: Queue;
  log: Logger;
  clock: Clock;
  shardSize: number;
  /** Parallel scan segments; each numbers its own shards (segment + k * totalSegments). Default 1. */
  totalSegments?: number;
}

export interface PlanResult {
  /** 'duplicate': this dispatch was planned before (a repeated S3 event) and nothing was queued. */
  status: 'planned' | 'duplicate';
  shards: number;
  recipients: number;
}

/** Shards written to the queue in one request; keeps at most this many shards in memory per segment. */
const SHARDS_PER_SEND = 10;

/** A confirmed subscriber whose topics are empty or share one with the editorial (no editorial topics: everyone). */
export function wantsEditorial(subscriber: Item, editorialTopics: ReadonlySet<string>): boolean {
  if (subscriber.status !== 'confirmed') return false;
  if (typeof subscriber.id !== 'string' || !SUBSCRIBER_ID.test(subscriber.id)) return false;
  if (typeof subscriber.email !== 'string' || !subscriber.email.includes('@')) return false;
  if (editorialTopics.size === 0) return true;
  const topics = Array.isArray(subscriber.topics) ? subscriber.topics.filter((t): t is string => typeof t === 'string') : [];
  return topics.length === 0 || topics.some((t) => editorialTopics.has(normaliseTopic(t)));
}

const normaliseTopic = (topic: string) => topic.trim().toLowerCase();

/**
 * Plans one dispatch: every subscriber who wants the editorial, in shards of `shardSize`, onto the dispatch queue.
 *
 * The dispatch state item makes repeated S3 events harmless: the first call creates it as 'planning'; a call that
 * finds it 'planned' queues nothing. One that finds it 'planning' (an earlier call crashed mid-plan, or is still
 * running) plans again: a recipient queued twice is still sent once, because the ledger claims each send.
 * The scan is streamed page by page into shards, so memory does not grow with the number of subscribers.
 * Before anything else the template is copied into the ledger, where the workers read it: a dispatch whose template
 * is missing or unusable fails here (TemplateError) and queues nothing.
 */
export async function planDispatch(deps: PlanDeps, request: DispatchRequest): Promise<PlanResult> {
  if (!Number.isInteger(deps.shardSize) || deps.shardSize < 1) throw new RangeError('shardSize must be a positive integer');
  const log = deps.log.child({ dispatchId: request.dispatchId, slug: request.slug });
  try {
    await copyTemplateToLedger(deps.editorials, deps.ledger, request);
  } catch (err) {
    log.error('dispatch template could not be copied to the ledger; nothing queued', { templateKey: request.templateKey, error: err });
    throw err;
  }
  const key = dispatchStateKey(request.dispatchId);
  const created = await deps.ledger.putIfAbsent({
    ...key,
    status: 'planning',
    slug: request.slug,
    templateKey: request.templateKey,
    startedAt: deps.clock.now().toISOString(),
  });
  if (!created) {
    const state = await deps.ledger.get(key);
    if (state?.status === 'planned') {
      log.info('dispatch already planned; duplicate request ignored', { shards: state.shards, recipients: state.recipients });
      return { status: 'duplicate', shards: Number(state.shards ?? 0), recipients: Number(state.recipients ?? 0) };
    }
    log.warn('dispatch found mid-plan; planning again (the ledger keeps sends single)', { status: state?.status });
  }

  const topics = new Set(request.topics.map(normaliseTopic).filter(Boolean));
  const totalSegments = Math.max(1, Math.floor(deps.totalSegments ?? 1));
  const counts = await Promise.all(
    Array.from({ length: totalSegments }, (_, segment) => planSegment(deps, request, topics, segment, totalSegments)),
  );
  const shards = counts.reduce((n, c) => n + c.shards, 0);
  const recipients = counts.reduce((n, c) => n + c.recipients, 0);

  await deps.ledger.update(key, {
    set: { status: 'planned', shards, recipients, plannedAt: deps.clock.now().toISOString() },
  });
  log.info('dispatch planned', { shards, recipients, shardSize: deps.shardSize });
  return { status: 'planned', shards, recipients };
}

async function planSegment(
  deps: PlanDeps,
  request: DispatchRequest,
  topics: ReadonlySet<string>,
  segment: number,
  totalSegments: number,
): Promise<{ shards: number; recipients: number }> {
  let current: ShardMessage['recipients'] = [];
  let pending: string[] = [];
  let shards = 0;
  let recipients = 0;

  const closeShard = () => {
    const shard = segment + shards * totalSegments;
    pending.push(encodeShard({ v: 1, dispatchId: request.dispatchId, slug: request.slug, templateKey: request.templateKey, shard, recipients: current }));
    shards += 1;
    current = [];
  };
  const flush = async () => {
    if (pending.length === 0) return;
    await deps.queue.sendBatch(pending);
    pending = [];
  };

  let cursor: string | undefined;
  do {
    const page = await deps.subscribers.scan({
      ...(cursor !== undefined && { cursor }),
      ...(totalSegments > 1 && { segment, totalSegments }),
    });
    for (const subscriber of page.items) {
      if (!wantsEditorial(subscriber, topics)) continue;
      current.push({ id: subscriber.id as string, email: subscriber.email as string });
      recipients += 1;
      if (current.length === deps.shardSize) closeShard();
      if (pending.length === SHARDS_PER_SEND) await flush();
    }
    cursor = page.cursor;
  } while (cursor !== undefined);
  if (current.length > 0) closeShard();
  await flush();
  return { shards, recipients };
}
