import type { SendingConfig } from '../../config.ts';
import type { Logger } from '../../log.ts';
import type { Clock, KeyValueTable } from '../../ports.ts';
import type { SesMessageEvent } from './ses-message-event.ts';
import { readDispatchRecords, writePause } from './dispatch-control.ts';
import { dispatchOfTag } from './dispatch-register.ts';
import { addFigures, readFigures, type Figure } from './figures.ts';
import { countedEventKey } from './ledger-keys.ts';

export interface DeliveryFiguresDeps {
  ledger: KeyValueTable;
  clock: Clock;
  log: Logger;
  sending: SendingConfig;
}

/** How long a counted event's mark is kept: SES sends an event within days of the message, never later. */
const COUNTED_MARK_DAYS = 30;

/** The figure one SES event moves, if any. A bounce SES made because the address is on a suppression list is
 * counted as suppressed, not as a bounce of the list. */
export function figureOf(event: SesMessageEvent): Figure | undefined {
  switch (event.eventType) {
    case 'Delivery':
      return 'delivered';
    case 'Bounce':
      if (event.bounceSubType === 'OnAccountSuppressionList' || event.bounceSubType === 'Suppressed')
        return 'suppressed';
      return event.bounceType === 'Permanent' ? 'bounced' : 'softBounced';
    case 'Complaint':
      return 'complained';
    case 'Reject':
      return 'rejected';
    case 'DeliveryDelay':
      return 'delayed';
    case 'Open':
      return event.machine ? undefined : 'opened';
    case 'Click':
      return event.machine ? undefined : 'clicked';
    default:
      return undefined;
  }
}

export interface CountSummary {
  counted: number;
  /** Events counted before (SES and EventBridge deliver at least once). */
  repeated: number;
  /** Events of mail no dispatch sent, or of a kind no figure counts. */
  ignored: number;
  /** Dispatches this call paused because their bounces or complaints passed the limit. */
  paused: string[];
}

/**
 * Counts SES events into their dispatches' figures, each (message, event type) once: a create-only mark per event
 * decides, so a redelivered event never counts twice (opens and clicks count unique messages, as SES's own
 * figures do not). The counts of one call are added with one write per dispatch. `suppressed` adds the subscribers
 * the same events put on the suppression list. A mark written whose count then fails is not counted again: the
 * figures may fall short, never run over.
 * Then each dispatch whose bounces or complaints moved is judged for the automatic pause.
 */
export async function countDeliveryEvents(
  deps: DeliveryFiguresDeps,
  events: readonly SesMessageEvent[],
  suppressedByDispatch: Readonly<Record<string, number>> = {},
): Promise<CountSummary> {
  const summary: CountSummary = { counted: 0, repeated: 0, ignored: 0, paused: [] };
  const byTag = new Map<string, Partial<Record<Figure, number>>>();
  const add = (tag: string, figure: Figure, n = 1) => {
    const counts = byTag.get(tag) ?? {};
    counts[figure] = (counts[figure] ?? 0) + n;
    byTag.set(tag, counts);
  };
  const now = deps.clock.now();
  const expiresAt = Math.floor(now.getTime() / 1000) + COUNTED_MARK_DAYS * 86_400;
  for (const event of events) {
    const figure = figureOf(event);
    if (event.dispatchTag === undefined || figure === undefined) {
      summary.ignored++;
      continue;
    }
    const first = await deps.ledger.putIfAbsent({
      ...countedEventKey(event.dispatchTag, event.messageId, event.eventType),
      expiresAt,
    });
    if (!first) {
      summary.repeated++;
      continue;
    }
    summary.counted++;
    add(event.dispatchTag, figure);
  }
  for (const [tag, n] of Object.entries(suppressedByDispatch)) if (n > 0) add(tag, 'suppressed', n);
  const at = now.toISOString();
  for (const [tag, counts] of byTag) {
    // Spread over the counter items by time: concurrent batches rarely pick the same one.
    await addFigures(deps.ledger, tag, counts, at, Math.floor(Math.random() * 1_000_000));
    if (counts.bounced || counts.complained) {
      const paused = await judgeAutoPause(deps, tag);
      if (paused) summary.paused.push(paused);
    }
  }
  return summary;
}

/**
 * Pauses a dispatch whose hard bounces or complaints, since it started or was last resumed, pass the configured
 * rates once at least `minimumDeliveries` messages were delivered or bounced. One bad list must not cost the
 * publication its SES account: SES reviews an account at a 5% bounce or 0.1% complaint rate. The pause waits for
 * the desk: a resume sets a new baseline, so what was judged before is not judged again.
 */
async function judgeAutoPause(deps: DeliveryFiguresDeps, tag: string): Promise<string | undefined> {
  const dispatchId = await dispatchOfTag(deps.ledger, tag);
  if (!dispatchId) return undefined;
  const [figures, records] = await Promise.all([
    readFigures(deps.ledger, tag),
    readDispatchRecords(deps.ledger, dispatchId),
  ]);
  if (records.stop || records.control?.paused) return undefined;
  const base = records.control?.baseline ?? { delivered: 0, bounced: 0, complained: 0 };
  const delivered = figures.delivered - base.delivered;
  const bounced = figures.bounced - base.bounced;
  const complained = figures.complained - base.complained;
  const judged = delivered + bounced;
  const { bounceRate, complaintRate, minimumDeliveries } = deps.sending.autoPause;
  if (judged < minimumDeliveries) return undefined;
  const percent = (rate: number) => `${(rate * 100).toFixed(rate < 0.01 ? 2 : 1)}%`;
  const why =
    bounced / judged > bounceRate
      ? `bounce rate ${percent(bounced / judged)} (${bounced} of ${judged}) passed ${percent(bounceRate)}`
      : complained / judged > complaintRate
        ? `complaint rate ${percent(complained / judged)} (${complained} of ${judged}) passed ${percent(complaintRate)}`
        : undefined;
  if (!why) return undefined;
  const paused = await writePause(
    deps.ledger,
    dispatchId,
    { reason: why, by: 'auto', at: deps.clock.now().toISOString() },
    true,
  );
  if (!paused) return undefined;
  // The alarm's metric filter matches this message exactly (infra: the ses-events log group).
  deps.log.error('dispatch paused automatically', { dispatchId, reason: why, delivered, bounced, complained });
  return dispatchId;
}
