import { isEmailAddress, type Config } from '../config.ts';
import type { Editorial } from '../model.ts';
import type { OutgoingEmail } from '../ports.ts';
// The same pieces the publish stage and the dispatch worker use: the stored template's render, the splice of the
// unsubscribe URL and the bulk headers. Neither the worker's composition nor the render is repeated here.
import { renderStoredTemplate } from '../pipeline/publish/email-template.ts';
import { tagValue } from '../pipeline/dispatch/recipient-sender.ts';
import { bulkHeaders, type MailKind } from '../render/email/mime.ts';
import { personalize } from '../render/email/personalize.ts';
import { proofUnsubscribeUrl } from '../render/email/proof-link.ts';
import { UsageError } from './errors.ts';

export const PROOF_SUBJECT_PREFIX = '[PROOF] ';
/** Where a dispatch names its dispatch in Feedback-ID, a proof names this: complaints about proofs are counted apart. */
export const PROOF_FEEDBACK_ID = 'proof';
/** A proof goes to the desk and a few readers, never to a list. */
export const MAX_PROOF_ADDRESSES = 20;

/** The addresses of `--to a,b --to c`: split at commas, each checked, duplicates (in any case) once; at most 20. */
export function proofAddresses(values: readonly string[]): string[] {
  const given = values
    .flatMap((value) => value.split(','))
    .map((a) => a.trim())
    .filter(Boolean);
  if (given.length === 0) throw new UsageError('proof needs --to <address>[,<address>...]');
  const seen = new Set<string>();
  const addresses = given.filter((address) => {
    const key = address.toLowerCase();
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  if (addresses.length > MAX_PROOF_ADDRESSES) {
    throw new UsageError(
      `a proof goes to at most ${MAX_PROOF_ADDRESSES} addresses and ${addresses.length} were given, so nothing was sent`,
    );
  }
  const bad = addresses.find((address) => !isEmailAddress(address));
  if (bad !== undefined) throw new UsageError(`"${bad}" is not an email address, so nothing was sent`);
  return addresses;
}

export interface ProofEmails {
  subject: string;
  /** The inert unsubscribe link every copy carries, in the footer and in List-Unsubscribe. */
  unsubscribeUrl: string;
  emails: OutgoingEmail[];
}

/**
 * The email as a subscriber gets it, one per address: the template the publish stage stores for the dispatch
 * (`renderStoredTemplate`), the unsubscribe URL spliced in as the worker does (`personalize`) and the same headers
 * (`bulkHeaders`: List-Id, List-Unsubscribe, List-Unsubscribe-Post, Feedback-ID), with the subject marked `[PROOF] `
 * and the proof's inert link in place of a subscriber's. Tagged `proof`, never `dispatch`, and `proof` in place of a
 * dispatch id in Feedback-ID: a proof belongs to no dispatch.
 */
export async function proofEmails(
  editorial: Editorial,
  config: Config,
  to: readonly string[],
  configurationSet?: string,
): Promise<ProofEmails> {
  const template = await renderStoredTemplate(editorial, config, 'proof');
  const unsubscribeUrl = proofUnsubscribeUrl(config);
  const copy = personalize(template, { unsubscribeUrl });
  return proofCopies(
    config,
    {
      from: template.from,
      replyTo: template.replyTo,
      subject: template.subject,
      html: copy.html,
      text: copy.text,
      unsubscribeUrl,
      kind: 'editorial',
      tag: editorial.slug,
    },
    to,
    configurationSet,
  );
}

/** A proof's content, ready to send: its sender, subject and body, the inert link it carries and what it proves. */
export interface ProofContent {
  from: string;
  replyTo?: string | undefined;
  subject: string;
  html: string;
  text: string;
  unsubscribeUrl: string;
  kind: MailKind;
  /** The slug or dispatch id the copies are tagged `proof` with. */
  tag: string;
}

/** One copy per address, of an editorial's proof or a digest's: subject marked, the bulk headers, the `proof` tag. */
export function proofCopies(
  config: Config,
  proof: ProofContent,
  to: readonly string[],
  configurationSet?: string,
): ProofEmails {
  const { unsubscribeUrl } = proof;
  const headers = bulkHeaders(config, { unsubscribeUrl, dispatchId: PROOF_FEEDBACK_ID, kind: proof.kind });
  const subject = `${PROOF_SUBJECT_PREFIX}${proof.subject}`;
  const emails = to.map(
    (address): OutgoingEmail => ({
      from: proof.from,
      to: address,
      ...(proof.replyTo !== undefined && { replyTo: proof.replyTo }),
      subject,
      html: proof.html,
      text: proof.text,
      headers,
      ...(configurationSet !== undefined && { configurationSet }),
      tags: { proof: tagValue(proof.tag) },
    }),
  );
  return { subject, unsubscribeUrl, emails };
}

/** `proofs/<ISO time>-<slug>.json` in the editorials bucket: the record of a proof, apart from the dispatches. */
export function proofRecordKey(at: Date, slug: string): string {
  return `proofs/${at.toISOString()}-${slug}.json`;
}
