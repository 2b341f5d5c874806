import { createHash, randomBytes } from 'node:crypto';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import type { Readable } from 'node:stream';
import type S3rver from 's3rver';

/**
 * S3 replaces an object in one step: a GET sees the old object or the new one, never a mix. s3rver's file store
 * truncates the object's file and writes into it, then its MD5 and metadata files, so a GET racing a PUT of the same
 * key could read a half-written body, or a new length over an old body, and the reader's connection ended early
 * (what made a local run's polling fail now and then on a busy machine). Here every file of an object is written
 * beside its final name and renamed over it: a read that has opened the file keeps the version it opened. The
 * conditional-writes middleware also holds reads of a key while it is written, so the object, its MD5 and its
 * metadata are read from one version.
 */
export function makeObjectWritesAtomic(store: S3rver.Store): void {
  const files = store as unknown as FileStore;
  files.putMetadata = async (bucket, key, metadata, md5) => {
    if (md5) await replace(files.getResourcePath(bucket, key, 'object.md5'), md5);
    await replace(files.getResourcePath(bucket, key, 'metadata.json'), JSON.stringify(keptMetadata(metadata), null, 2));
  };
  files.putObject = async (object) => {
    const objectPath = files.getResourcePath(object.bucket, object.key, 'object');
    await mkdir(dirname(objectPath), { recursive: true });
    const content = Buffer.isBuffer(object.content) ? object.content : await readAll(object.content);
    const md5 = createHash('md5').update(content).digest('hex');
    const staged = await stage(objectPath, content);
    await files.putMetadata(object.bucket, object.key, object.metadata, md5);
    await rename(staged, objectPath);
    return { size: content.length, md5 };
  };
}

interface StoredObject {
  bucket: string;
  key: string;
  content: Buffer | Readable;
  metadata: Record<string, string>;
}

/** The parts of s3rver's FilesystemStore (lib/stores/filesystem.js) replaced here, with its signatures. */
interface FileStore {
  getResourcePath(bucket: string, key: string | undefined, resource: string): string;
  putObject(object: StoredObject): Promise<{ size: number; md5: string }>;
  putMetadata(bucket: string, key: string, metadata: Record<string, string>, md5?: string): Promise<void>;
}

/** The headers s3rver keeps with an object (its S3Object.ALLOWED_METADATA) and every x-amz-meta-* one, as it does. */
const ALLOWED_METADATA: readonly string[] = (
  createRequire(import.meta.url)('s3rver/lib/models/object.js') as { ALLOWED_METADATA: string[] }
).ALLOWED_METADATA;

function keptMetadata(metadata: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(metadata).filter(([name]) => ALLOWED_METADATA.includes(name) || name.startsWith('x-amz-meta-')),
  );
}

async function replace(path: string, content: string | Buffer): Promise<void> {
  await rename(await stage(path, content), path);
}

/** Writes `content` to a fresh name beside `path` (same folder, so the rename that follows is atomic). */
async function stage(path: string, content: string | Buffer): Promise<string> {
  const staged = `${path}.${randomBytes(6).toString('hex')}.partial`;
  await writeFile(staged, content);
  return staged;
}

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string));
  return Buffer.concat(chunks);
}
