import { readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import type { Config } from '../config.ts';
import type { Editorial, Rejection } from '../model.ts';
import { validateApproved } from '../pipeline/publish/validate.ts';
import { UsageError } from './errors.ts';

/** A file on disk as the publish function would judge it if it were uploaded to `approved/<name>` now. */
export type CheckedFile =
  | { ok: true; file: string; name: string; body: Uint8Array; editorial: Editorial }
  | { ok: false; file: string; name: string; rejection: Rejection };

/**
 * Checks one editorial file with the publish function's own rules (src/pipeline/publish/validate.ts): its size is
 * looked at before it is read, then the format, the line limit and the email budget, all from `config`. The upload
 * time the function would use is `now`. A file that cannot be read at all is a usage error.
 */
export async function checkEditorialFile(file: string, config: Config, now: Date): Promise<CheckedFile> {
  const info = await stat(file).catch(() => undefined);
  if (!info) throw new UsageError(`cannot read "${file}": no such file`);
  if (!info.isFile()) throw new UsageError(`"${file}" is not a file: name the editorial files themselves`);
  const name = basename(file);
  const tooLarge = info.size > config.limits.maxEditorialBytes;
  const body = tooLarge ? new Uint8Array() : new Uint8Array(await readFile(file));
  const result = await validateApproved(config, name, {
    body,
    lastModified: now,
    ...(tooLarge && { tooLarge: { bytes: info.size } }),
  });
  return result.ok
    ? { ok: true, file, name, body, editorial: result.editorial }
    : { ok: false, file, name, rejection: result.rejection };
}

/** The line `broadsheet build` prints for a rejected file: `<file>: rejected: [line <n>: ]<reason>`. */
export function rejectionLine(file: string, rejection: Pick<Rejection, 'line' | 'reason'>): string {
  return `${file}: rejected: ${rejection.line ? `line ${rejection.line}: ` : ''}${rejection.reason}`;
}
