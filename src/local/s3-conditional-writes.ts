import type S3rver from 's3rver';

/**
 * s3rver ignores If-None-Match and If-Match on writes; production code relies on them (create-only puts, replace
 * only the version read). This s3rver middleware gives them S3's answers, inside the emulator, so the real S3
 * adapter and its error mapping are what local runs exercise:
 *
 * - PutObject, CopyObject (the destination) and CompleteMultipartUpload with `If-None-Match: *` → 412
 *   PreconditionFailed when the key exists; with `If-Match: <etag>` → 412 when the current ETag differs and 404
 *   NoSuchKey when there is no object.
 * - Every write and delete of an object key runs under a per-key lock held until s3rver has answered, so the check
 *   and the write are one step for all requests this server handles: of two concurrent create-only puts exactly
 *   one wins.
 *
 * What it does not cover: writes that bypass this process's s3rver (another s3rver on the same directory, files
 * changed on disk); virtual-host-style addressing (the local clients use path style); If-Match on DeleteObject and
 * the conditional headers of CopyObject's source (`x-amz-copy-source-if-*`); S3's 409 ConditionalRequestConflict
 * (concurrent conditional writes are serialised here, so the loser sees 412 instead). It runs before s3rver's
 * signature check, so an unsigned conditional write can get 412 where S3 would answer 403.
 *
 * A GET or HEAD of an object waits for a write of the same key under way, and holds the key until s3rver has opened
 * the object: with the writes made atomic (s3rver-atomic-writes.ts), a read gets one whole version, as from S3.
 */
export function conditionalWritesMiddleware(): S3rver.Middleware {
  const locks = new KeyedLock();
  return async (ctx, next) => {
    const target = objectTarget(ctx);
    if (!target) return next();
    await locks.run(`${target.bucket}/${target.key}`, async () => {
      const failure = await checkConditions(ctx, target);
      if (failure) {
        respondWithError(ctx, failure, target.key);
        return;
      }
      await next();
    });
  };
}

/** Runs callbacks one at a time per key, in arrival order. Correct within one process only. */
export class KeyedLock {
  private readonly tails = new Map<string, Promise<void>>();

  async run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    let release!: () => void;
    const current = new Promise<void>((resolve) => (release = resolve));
    const tail = previous.then(() => current);
    this.tails.set(key, tail);
    await previous;
    try {
      return await task();
    } finally {
      release();
      if (this.tails.get(key) === tail) this.tails.delete(key);
    }
  }
}

interface Target {
  bucket: string;
  key: string;
  /** Whether If-None-Match / If-Match apply (object writes, not deletes or reads). */
  conditional: boolean;
}

/** Sub-resources that make a PUT something other than an object write (s3rver's own list). */
const SUBRESOURCES = ['acl', 'legal-hold', 'retention', 'select', 'tagging', 'torrent', 'uploadId', 'uploads'];

function objectTarget(ctx: S3rver.Context): Target | undefined {
  const match = /^\/([^/]+)\/(.+)$/.exec(ctx.path);
  if (!match) return undefined;
  let bucket: string;
  let key: string;
  try {
    bucket = decodeURIComponent(match[1]!);
    key = decodeURIComponent(match[2]!);
  } catch {
    return undefined;
  }
  const has = (name: string) => ctx.query[name] !== undefined;
  switch (ctx.method) {
    case 'PUT':
      if (SUBRESOURCES.some(has)) return undefined;
      return { bucket, key, conditional: true };
    case 'POST':
      return has('uploadId') ? { bucket, key, conditional: true } : undefined;
    case 'DELETE':
    case 'GET':
    case 'HEAD':
      return SUBRESOURCES.some(has) ? undefined : { bucket, key, conditional: false };
    default:
      return undefined;
  }
}

interface Failure {
  status: number;
  code: string;
  message: string;
  condition?: string;
}

async function checkConditions(ctx: S3rver.Context, target: Target): Promise<Failure | undefined> {
  if (!target.conditional) return undefined;
  const ifNoneMatch = ctx.get('if-none-match');
  const ifMatch = ctx.get('if-match');
  if (!ifNoneMatch && !ifMatch) return undefined;
  if (ifNoneMatch && ifNoneMatch.trim() !== '*') {
    return { status: 501, code: 'NotImplemented', message: 'If-None-Match on writes accepts only *.' };
  }
  const current = (await ctx.store.existsObject(target.bucket, target.key))
    ? (await ctx.store.getMetadata(target.bucket, target.key)).etag
    : undefined;
  if (ifNoneMatch && current !== undefined) {
    return preconditionFailed('If-None-Match');
  }
  if (ifMatch) {
    if (current === undefined) return { status: 404, code: 'NoSuchKey', message: 'The specified key does not exist.' };
    const wanted = ifMatch.split(',').map(bareEtag);
    if (!wanted.includes('*') && !wanted.includes(bareEtag(current))) return preconditionFailed('If-Match');
  }
  return undefined;
}

function preconditionFailed(condition: string): Failure {
  return {
    status: 412,
    code: 'PreconditionFailed',
    message: 'At least one of the pre-conditions you specified did not hold',
    condition,
  };
}

function bareEtag(etag: string): string {
  return etag
    .trim()
    .replace(/^W\//, '')
    .replace(/^"(.*)"$/, '$1');
}

function respondWithError(ctx: S3rver.Context, failure: Failure, key: string): void {
  const xml = (text: string) => text.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);
  ctx.status = failure.status;
  ctx.type = 'application/xml';
  ctx.body = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<Error><Code>${failure.code}</Code><Message>${xml(failure.message)}</Message>`,
    failure.condition ? `<Condition>${failure.condition}</Condition>` : `<Key>${xml(key)}</Key>`,
    '</Error>',
  ].join('');
}
