import { cadenceAt } from '../../cadence.ts';
import type { Logger } from '../../log.ts';
import type { Clock, Item, ItemKey, KeyValueTable, ObjectStore, Page, Queue } from '../../ports.ts';
import type { DispatchRequest } from '../publish/dispatch-request.ts';
import { copyTemplateToLedger } from './dispatch-template.ts';
import { registerDispatch } from './dispatch-register.ts';
import { partitionPages } from './partition-pages.ts';
import { readDispatchStop } from './dispatch-stop.ts';
import { dispatchStateKey, retainedUntil, shardRecordPartition } from './ledger-keys.ts';
import { isMailable, readerProfile, sharesTopic, topicKey } from './audience.ts';
import { wantsDigest } from './digest-audience.ts';
import type { ShardMessage } from './shard-message.ts';
import {
  recordedShards,
  shardBody,
  shardCountOf,
  shardGroupRecord,
  shardsPerRecord,
  type ClosedShard,
  type ShardEnvelope,
} from './shard-records.ts';

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
  /** 'duplicate': this dispatch was planned before (a repeated S3 event) and nothing was queued. 'superseded':
   * another call was planning it at the same moment and goes on alone. 'stopped': the dispatch was stopped (its
   * editorial withdrawn) before planning began, and nothing was queued. */
  status: 'planned' | 'duplicate' | 'superseded' | 'stopped';
  shards: number;
  recipients: number;
}

/**
 * A confirmed subscriber whose topics are empty or share one with the editorial (no editorial topics: everyone),
 * and whose cadence at `publicAt`, when the editorial became public, is `each`: a reader on a digest then gets it in
 * the digest instead. The cadence is the one the record held at that time (cadenceAt), so a reader who changed it
 * later is decided as before the change, and so is every later plan of the same dispatch.
 */
export function wantsEditorial(subscriber: Item, editorialTopics: ReadonlySet<string>, publicAt: Date): boolean {
  if (!isMailable(subscriber)) return false;
  const reader = readerProfile(subscriber);
  return cadenceAt(reader, publicAt) === 'each' && sharesTopic(reader.topics, editorialTopics);
}

/** When the editorial became public: the request says so; one queued before it did is planned as public now. */
export function publicTimeOf(request: Pick<DispatchRequest, 'publicAt'>, planTime: Date): Date {
  const at = request.publicAt === undefined ? Number.NaN : Date.parse(request.publicAt);
  return Number.isNaN(at) ? planTime : new Date(at);
}

/** Where a segment's planning stands: the shards recorded so far and where its scan goes on. */
interface SegmentProgress {
  shards: number;
  recipients: number;
  resumeAfter?: ItemKey;
}

/**
 * Plans one dispatch: every subscriber who wants the editorial, in shards of `shardSize`, onto the dispatch queue.
 *
 * No subscriber is ever in two shards of one dispatch, whatever happens to the planner: that is what lets a worker
 * hold a whole shard under one lease. Shards are recorded in the ledger before they are queued, up to
 * SHARDS_PER_RECORD consecutive shards at a time (fewer when shards are large: shardsPerRecord) in one create-only
 * record keyed by the first of them (their subscriber ids, and the subscriber the last one's scan position ends at),
 * one record after another, so the records of a segment always cover one unbroken stretch of the table's scan order.
 * The dispatch state item makes repeated S3 events harmless: the first call creates it as 'planning'; a call that
 * finds it 'planned' queues nothing. One that finds it 'planning' (an earlier call crashed mid-plan, or is still
 * running) queues every recorded shard again (a worker skips a shard that is done) and resumes each segment's scan
 * right after its last recorded shard; its first record is keyed by the shard that comes next, as the other call's
 * next one is, so should it lose the race to write it, the other call is planning and this one stops.
 * The scan is streamed page by page into shards, so memory does not grow with the number of subscribers.
 * Before anything else the template is copied into the ledger, where the workers read it: a dispatch whose template
 * is missing or unusable fails here (TemplateError) and queues nothing. A stopped dispatch queues nothing either; one
 * stopped mid-plan is queued to the end, and its workers stop every shard before its first send.
 */
export async function planDispatch(deps: PlanDeps, request: DispatchRequest): Promise<PlanResult> {
  if (!Number.isInteger(deps.shardSize) || deps.shardSize < 1)
    throw new RangeError('shardSize must be a positive integer');
  const log = deps.log.child({ dispatchId: request.dispatchId, slug: request.slug });
  const stop = await readDispatchStop(deps.ledger, request.dispatchId);
  if (stop) {
    log.warn('dispatch stopped before it was planned; nothing queued', {
      reason: stop.reason,
      stoppedAt: stop.stoppedAt,
    });
    return { status: 'stopped', shards: 0, recipients: 0 };
  }
  try {
    await copyTemplateToLedger(deps.editorials, deps.ledger, request);
  } catch (err) {
    log.error('dispatch template could not be copied to the ledger; nothing queued', {
      templateKey: request.templateKey,
      error: err,
    });
    throw err;
  }
  const key = dispatchStateKey(request.dispatchId);
  const startedAt = deps.clock.now().toISOString();
  // Findable by the desk before the first shard is queued, so it can be watched and paused from the start.
  await registerDispatch(deps.ledger, { dispatchId: request.dispatchId, slug: request.slug, createdAt: startedAt });
  const created = await deps.ledger.putIfAbsent({
    ...key,
    status: 'planning',
    slug: request.slug,
    templateKey: request.templateKey,
    startedAt,
  });
  const totalSegments = Math.max(1, Math.floor(deps.totalSegments ?? 1));
  let progress: SegmentProgress[] = Array.from({ length: totalSegments }, () => ({ shards: 0, recipients: 0 }));
  if (!created) {
    const state = await deps.ledger.get(key);
    if (state?.status === 'planned') {
      log.info('dispatch already planned; duplicate request ignored', {
        shards: state.shards,
        recipients: state.recipients,
      });
      return { status: 'duplicate', shards: Number(state.shards ?? 0), recipients: Number(state.recipients ?? 0) };
    }
    progress = await requeueRecordedShards(deps, request, totalSegments);
    log.warn('dispatch found mid-plan; queued its recorded shards again and resuming after them', {
      status: state?.status,
      shards: progress.reduce((n, p) => n + p.shards, 0),
    });
  }

  const topics = new Set(request.topics.map(topicKey).filter(Boolean));
  const publicAt = publicTimeOf(request, new Date(startedAt));
  const outcomes = await Promise.all(
    progress.map((from, segment) => planSegment(deps, request, { topics, publicAt }, segment, totalSegments, from)),
  );
  const shards = outcomes.reduce((n, c) => n + c.shards, 0);
  const recipients = outcomes.reduce((n, c) => n + c.recipients, 0);
  if (outcomes.some((o) => o.superseded)) {
    log.warn('another call is planning this dispatch; this one stops', { shards, recipients });
    return { status: 'superseded', shards, recipients };
  }

  await deps.ledger.update(key, {
    set: { status: 'planned', shards, recipients, plannedAt: deps.clock.now().toISOString() },
  });
  log.info('dispatch planned', { shards, recipients, shardSize: deps.shardSize });
  return { status: 'planned', shards, recipients };
}

/** Queues every recorded shard of the dispatch again, and says where each segment's scan resumes. */
async function requeueRecordedShards(
  deps: PlanDeps,
  request: DispatchRequest,
  totalSegments: number,
): Promise<SegmentProgress[]> {
  const progress: SegmentProgress[] = Array.from({ length: totalSegments }, () => ({ shards: 0, recipients: 0 }));
  for await (const records of partitionPages(deps.ledger, shardRecordPartition(request.dispatchId))) {
    const bodies: string[] = [];
    for (const record of records) {
      const segment = Number(record.segment);
      const at = progress[segment];
      const recorded = recordedShards(record);
      if (!at || recorded.length === 0) {
        // Resuming with another segment count would scan from the wrong places: the planner's settings must match.
        throw new Error(
          `shard record ${String(record.sk)} of ${request.dispatchId} does not fit this planner (segment ${String(record.segment)} of ${totalSegments}, ${recorded.length} shards); plan it with the segment count it started with`,
        );
      }
      at.shards += shardCountOf(record);
      at.recipients += Number(record.recipients ?? 0);
      at.resumeAfter = record.resumeAfter as ItemKey;
      bodies.push(...recorded.map((shard) => shard.body));
    }
    // The page is in memory already; the queue adapter splits it into requests the queue accepts.
    if (bodies.length > 0) await deps.queue.sendBatch(bodies);
  }
  return progress;
}

async function planSegment(
  deps: PlanDeps,
  request: DispatchRequest,
  editorial: { topics: ReadonlySet<string>; publicAt: Date },
  segment: number,
  totalSegments: number,
  from: SegmentProgress,
): Promise<SegmentProgress & { superseded: boolean }> {
  const envelope: ShardEnvelope = {
    v: 2,
    dispatchId: request.dispatchId,
    slug: request.slug,
    templateKey: request.templateKey,
  };
  let current: ShardMessage['recipients'] = [];
  let closed: ClosedShard[] = [];
  const perRecord = shardsPerRecord(deps.shardSize);
  let { shards, recipients } = from;
  let superseded = false;

  const closeShard = () => {
    closed.push({ shard: segment + (shards + closed.length) * totalSegments, recipients: current });
    current = [];
  };
  /** Records the closed shards in one write, then queues them; false when another call recorded them first. */
  const recordAndQueue = async (): Promise<boolean> => {
    if (closed.length === 0) return true;
    const record = shardGroupRecord(envelope, closed, { segment, expiresAt: retainedUntil(deps.clock.now()) });
    if (!(await deps.ledger.putIfAbsent(record))) return false;
    await deps.queue.sendBatch(closed.map((shard) => shardBody(envelope, shard)));
    shards += closed.length;
    recipients += closed.reduce((n, shard) => n + shard.recipients.length, 0);
    closed = [];
    return true;
  };

  // The next page is read while this one's shards are recorded and queued, so the scan does not wait for the
  // ledger's writes: where the two are served apart (DynamoDB), a plan takes the longer of them, not their sum. The
  // records themselves stay one after another (see planDispatch). At most two pages and SHARDS_PER_RECORD closed
  // shards are held at once.
  const scanPage = (cursor: string | undefined, first: boolean): Promise<Page> => {
    const read = deps.subscribers.scan({
      ...(cursor !== undefined && { cursor }),
      ...(first && from.resumeAfter !== undefined && { startAfter: from.resumeAfter }),
      ...(totalSegments > 1 && { segment, totalSegments }),
    });
    // Its failure is met where it is awaited; a page read ahead of a superseded plan is never awaited at all.
    read.catch(() => {});
    return read;
  };
  let next: Promise<Page> | undefined = scanPage(undefined, true);
  scan: while (next !== undefined) {
    const page: Page = await next;
    next = page.cursor !== undefined ? scanPage(page.cursor, false) : undefined;
    for (const subscriber of page.items) {
      const wanted = request.digest
        ? wantsDigest(subscriber, request.digest, editorial.topics)
        : wantsEditorial(subscriber, editorial.topics, editorial.publicAt);
      if (!wanted) continue;
      // Ids alone: the queue, its dead-letter queue and the ledger's shard records never hold an address.
      current.push({ id: subscriber.id as string });
      if (current.length < deps.shardSize) continue;
      closeShard();
      if (closed.length === perRecord && !(await recordAndQueue())) {
        superseded = true;
        break scan;
      }
    }
  }
  if (!superseded && current.length > 0) closeShard();
  if (!superseded && !(await recordAndQueue())) superseded = true;
  return { shards, recipients, superseded };
}
