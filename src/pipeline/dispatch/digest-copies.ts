import type { Logger } from '../../log.ts';
import type { Recipient } from './deps.ts';
import type { LoadedDigest } from './dispatch-template.ts';
import { digestCopyFor } from './digest-selection.ts';
import type { SendRecord } from './send-record.ts';
import { TemplateError } from './template-error.ts';

/**
 * Gives each confirmed recipient of a digest shard their copy (language variant and items); one with nothing in it
 * becomes a 'skipped' record ('nothing new'), so it is neither sent nor tried again. Undefined when a variant cannot
 * be read: the shard comes back.
 */
export async function chooseDigestCopies(
  digest: LoadedDigest,
  resolved: { send: Recipient[]; skipped: SendRecord[] },
  log: Logger,
  withdrawn: ReadonlySet<string>,
): Promise<{ send: Recipient[]; skipped: SendRecord[] } | undefined> {
  const send: Recipient[] = [];
  const skipped = [...resolved.skipped];
  try {
    for (const recipient of resolved.send) {
      const copy = await digestCopyFor(digest, recipient.profile ?? { topics: [] }, withdrawn);
      if (copy) send.push({ ...recipient, digest: copy });
      else skipped.push({ subscriberId: recipient.id, status: 'skipped', reason: 'nothing new' });
    }
  } catch (err) {
    log.error('digest variant unreadable; the shard comes back later', { error: err });
    if (!(err instanceof TemplateError)) throw err;
    return undefined;
  }
  return { send, skipped };
}
