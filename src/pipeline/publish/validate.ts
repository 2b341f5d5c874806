import type { Config } from '../../config.ts';
import type { Editorial, Rejection } from '../../model.ts';
import { parseEditorial, type ParseResult } from '../../parse/index.ts';
import { tooLargeReason } from '../../parse/limits.ts';
import { EmailTooLargeError, renderEmail } from '../../render/email/index.ts';

/** An approved object as the publish function sees it: read, or found too large to read. */
export interface ApprovedObject {
  body: Uint8Array;
  /** The upload time: the publication date of an editorial that names none. */
  lastModified: Date;
  /** Set when the object is larger than `limits.maxEditorialBytes`: its size (the body was never read). */
  tooLarge?: { bytes: number };
}

/**
 * The publish function's verdict on one approved object, before anything is written: the size and line limits,
 * the editorial format, and whether its email can be sent at all. `name` is the object's file name (`approved/<name>`).
 * `broadsheet check`, `approve` and `proof` ask the same question of a file on disk, as if uploaded at `lastModified`.
 */
export async function validateApproved(config: Config, name: string, object: ApprovedObject): Promise<ParseResult> {
  const limits = config.limits;
  if (object.tooLarge)
    return { ok: false, rejection: { file: name, line: null, reason: tooLargeReason(object.tooLarge.bytes, limits) } };
  const parsed = parseEditorial(name, object.body, {
    publication: config.publication.name,
    defaultLang: config.publication.language,
    date: object.lastModified,
    limits,
  });
  if (!parsed.ok) return parsed;
  const unsendable = await emailRejection(config, parsed.editorial);
  return unsendable ? { ok: false, rejection: unsendable } : parsed;
}

/**
 * Why the editorial's email could never be sent, if so. The email is rendered only once the editorial is public (an
 * embargoed one at its release), after the index holds it: failing there would retry until the event is dropped, with
 * the editorial public and never sent. A render takes milliseconds, so it is tried before anything is published.
 * A withdrawn version is never sent, and must not be kept from withdrawing.
 */
async function emailRejection(config: Config, editorial: Editorial): Promise<Rejection | undefined> {
  if (editorial.status !== 'published') return undefined;
  try {
    await renderEmail(editorial, config);
    return undefined;
  } catch (error) {
    if (!(error instanceof EmailTooLargeError)) throw error;
    return { file: editorial.file, line: null, reason: error.reason };
  }
}
