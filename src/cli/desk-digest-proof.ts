import type { DigestCadence } from '../cadence.ts';
import type { Config } from '../config.ts';
import type { Clock, ObjectStore } from '../ports.ts';
import { collectDigest } from '../pipeline/digest/collect.ts';
import { digestDispatchId, latestSettledPeriod, periodEndingOn, type DigestPeriod } from '../pipeline/digest/period.ts';
import { checkOffered, storedDigest } from '../pipeline/digest/send-digest.ts';
import { digestLanguage } from '../pipeline/dispatch/dispatch-template.ts';
import { assembleDigest } from '../render/email/digest-assemble.ts';
import { proofUnsubscribeUrl } from '../render/email/proof-link.ts';
import { proofCopies, type ProofEmails } from './desk-proof.ts';

export interface DigestProof extends ProofEmails {
  period: DigestPeriod;
  /** The editorials the digest lists (every one of them: a proof reader follows every topic). */
  editorials: number;
}

/**
 * The digest of a period as a reader of every topic gets it, in `language` (the publication's when absent or not in
 * the catalogue), marked `[PROOF] `, with the proof's inert unsubscribe link: the same render (storedDigest), the
 * same assembly and headers as the workers'. Nothing is planned. Undefined `period`: the newest that has ended.
 */
export async function digestProofEmails(
  deps: { editorials: ObjectStore; clock: Clock },
  config: Config,
  request: { cadence: DigestCadence; period?: string; language?: string; to: readonly string[] },
  configurationSet?: string,
): Promise<DigestProof> {
  checkOffered(config, request.cadence);
  const settings = config.subscription.digests;
  const period =
    request.period === undefined
      ? latestSettledPeriod(request.cadence, settings, deps.clock.now())
      : periodEndingOn(request.cadence, request.period, settings);
  const entries = await collectDigest(deps, period);
  const dispatchId = digestDispatchId(period);
  const stored = storedDigest(config, dispatchId, period, entries);
  const template =
    stored.variants[digestLanguage({ ...stored, languages: Object.keys(stored.variants) }, request.language)]!;
  const unsubscribeUrl = proofUnsubscribeUrl(config);
  const copy = assembleDigest(
    template,
    template.entries.map((_, n) => n),
    unsubscribeUrl,
  );
  const proof = proofCopies(
    config,
    {
      from: stored.from,
      replyTo: stored.replyTo,
      subject: copy.subject,
      html: copy.html,
      text: copy.text,
      unsubscribeUrl,
      kind: 'digest',
      tag: dispatchId,
    },
    request.to,
    configurationSet,
  );
  return { ...proof, period, editorials: entries.length };
}
