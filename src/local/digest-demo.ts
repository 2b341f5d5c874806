import { publishWiring } from '../app/publish.ts';
import type { DigestCadence } from '../cadence.ts';
import { periodContaining, SETTLE_MS } from '../pipeline/digest/period.ts';
import { sendDigest, type DigestOutcome } from '../pipeline/digest/send-digest.ts';
import { tagValue } from '../pipeline/dispatch/recipient-sender.ts';
import type { LocalPipeline } from './pipeline.ts';

export interface LocalDigest {
  outcome: DigestOutcome;
  /** The digest's emails in the local mailbox: each recipient once, with the subject it got. */
  emails: { to: string; subject: string }[];
}

/**
 * Sends the digest of the period under way at `since` as if that period had ended: the digest stage runs with its
 * clock set just past the period's end (everything else keeps real time), through the same planner, queue, workers
 * and ledger as the schedule's. Resolves once its emails are in the local mailbox.
 */
export async function sendLocalDigest(
  pipeline: LocalPipeline,
  cadence: DigestCadence,
  since: Date,
): Promise<LocalDigest> {
  const period = periodContaining(cadence, pipeline.config.subscription.digests, since);
  const wiring = publishWiring(pipeline.runtime);
  const simulated = { now: () => new Date(period.end.getTime() + SETTLE_MS), sleep: wiring.clock.sleep };
  const outcome = await sendDigest({ ...wiring, clock: simulated }, period);
  await pipeline.settled();
  const tag = `${tagValue(outcome.dispatchId)}:digest:`;
  const emails = (await pipeline.emulators.sentMail())
    .filter((m) => m.headers?.some((h) => h.name.toLowerCase() === 'feedback-id' && h.value.startsWith(tag)))
    .map((m) => ({ to: m.destination.to.join(', '), subject: m.subject }));
  return { outcome, emails };
}
