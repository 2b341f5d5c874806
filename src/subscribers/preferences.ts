import type { Config, ReaderTopic } from '../config.ts';
import { normalizeAddress } from './address.ts';
import { requestedCadence } from './cadence-choice.ts';
import { checkLink, type SubscriberDeps } from './flows.ts';
import { SubscriberStore } from './store.ts';
import type { Subscriber } from './subscriber.ts';

/**
 * The preference page's flows. Every email's own signed link (the unsubscribe token: it never expires, so an old
 * email still works while the subscription it was sent for lasts) opens the page: no login, and nothing changes on
 * GET, because mail scanners open links. A link from an erased subscription, or from one that ended before the
 * address subscribed again, is refused (checkLink): it opens nothing of the new subscription.
 */

export type PreferenceView =
  | { ok: true; subscriber: Subscriber; topics: { topic: ReaderTopic; chosen: boolean }[]; everyTopic: boolean }
  | { ok: false; problem: 'invalid' | 'gone' };

/** What the page shows, or why it cannot. */
export async function preferencesOf(deps: SubscriberDeps, token: string): Promise<PreferenceView> {
  const checked = await checkLink(deps, 'unsubscribe', token);
  if (!checked.ok) return { ok: false, problem: 'invalid' };
  const subscriber = checked.subscriber;
  if (!subscriber || subscriber.email === '') return { ok: false, problem: 'gone' };
  const chosen = new Set(subscriber.topics.map(topicKey));
  const everyTopic = chosen.size === 0;
  return {
    ok: true,
    subscriber,
    everyTopic,
    topics: deps.config.subscription.topics.map((topic) => ({
      topic,
      chosen: everyTopic || chosen.has(topicKey(topic.name)),
    })),
  };
}

export type PreferenceChange =
  | { ok: true; outcome: string }
  | { ok: false; problem: 'invalid' | 'gone' | 'not-subscribed' | 'no-topic' };

/**
 * Keeps the offered topics among `names` (in the configuration's order); undefined when none is left. Choosing
 * every offered topic is stored as "every topic", so a topic added later reaches the reader too.
 */
export function chosenTopics(config: Config, names: readonly string[]): string[] | undefined {
  const picked = new Set(names.map(topicKey));
  const offered = config.subscription.topics
    .filter((topic) => picked.has(topicKey(topic.name)))
    .map((topic) => topic.name);
  if (offered.length === 0) return undefined;
  return offered.length === config.subscription.topics.length ? [] : offered;
}

export type CadenceChange =
  | { ok: true; outcome: 'changed' | 'unchanged' }
  | { ok: false; problem: 'invalid' | 'gone' | 'not-subscribed' | 'not-offered' };

/**
 * The reader's cadence from the preference page (`value`: the form's field). One the configuration does not offer
 * is refused. The change applies to the editorials that become public from now on (see src/cadence.ts).
 */
export async function changeCadence(
  deps: SubscriberDeps,
  token: string,
  value: string | null | undefined,
): Promise<CadenceChange> {
  const checked = await checkLink(deps, 'unsubscribe', token);
  if (!checked.ok) return { ok: false, problem: 'invalid' };
  const { check, link } = checked;
  const asked = requestedCadence(deps.config, value);
  if (!asked.ok || asked.cadence === undefined) return { ok: false, problem: 'not-offered' };
  const { outcome } = await storeOf(deps).changeCadence(check.subscriberId, asked.cadence, deps.clock.now(), link);
  deps.log.info('cadence changed', { subscriberId: check.subscriberId, cadence: asked.cadence, outcome });
  if (outcome === 'unknown') return { ok: false, problem: 'gone' };
  if (outcome === 'not-subscribed') return { ok: false, problem: 'not-subscribed' };
  return { ok: true, outcome };
}

export async function changeTopics(
  deps: SubscriberDeps,
  token: string,
  names: readonly string[],
): Promise<PreferenceChange> {
  const checked = await checkLink(deps, 'unsubscribe', token);
  if (!checked.ok) return { ok: false, problem: 'invalid' };
  const { check, link } = checked;
  const topics = chosenTopics(deps.config, names);
  if (topics === undefined) return { ok: false, problem: 'no-topic' };
  const { outcome } = await storeOf(deps).changeTopics(check.subscriberId, topics, deps.clock.now(), link);
  deps.log.info('preferences changed', { subscriberId: check.subscriberId, outcome });
  if (outcome === 'unknown') return { ok: false, problem: 'gone' };
  if (outcome === 'not-subscribed') return { ok: false, problem: 'not-subscribed' };
  return { ok: true, outcome };
}

/** Everything kept about one subscriber, as the reader (or the desk, for them) receives it. */
export function subscriberData(subscriber: Subscriber, config: Config): Record<string, unknown> {
  const {
    id,
    email,
    status,
    topics,
    consentAt,
    consentSource,
    requestedAt,
    confirmationSentAt,
    confirmedAt,
    unsubscribedAt,
    softBounces,
    suppressedReason,
    suppressedAt,
    updatedAt,
    cadenceChangedAt,
    previousCadence,
  } = subscriber;
  return {
    publication: config.publication.name,
    subscriber: {
      id,
      email,
      status,
      topics: topics.length ? topics : 'every topic',
      // Absent on records from before cadences: those readers get every editorial on its own.
      cadence: subscriber.cadence ?? 'each',
      ...Object.fromEntries(
        Object.entries({
          consentAt,
          consentSource,
          requestedAt,
          confirmationSentAt,
          confirmedAt,
          unsubscribedAt,
          suppressedReason,
          suppressedAt,
          cadenceChangedAt,
          previousCadence,
          updatedAt,
        }).filter(([, v]) => v !== undefined),
      ),
      softBounces,
      ...Object.fromEntries(Object.entries(subscriber).filter(([key]) => key === 'language')),
    },
  };
}

export type DataExport = { ok: true; fileName: string; json: string } | { ok: false; problem: 'invalid' | 'gone' };

export async function exportData(deps: SubscriberDeps, token: string): Promise<DataExport> {
  const view = await preferencesOf(deps, token);
  if (!view.ok) return view;
  deps.log.info('data exported', { subscriberId: view.subscriber.id });
  return {
    ok: true,
    fileName: `${deps.config.publication.name.replace(/[^A-Za-z0-9]+/g, '-').toLowerCase() || 'subscription'}-data.json`,
    json: `${JSON.stringify(subscriberData(view.subscriber, deps.config), null, 2)}\n`,
  };
}

export type Erasure =
  | { ok: true; outcome: 'erased' | 'kept-suppression' | 'unknown' }
  | { ok: false; problem: 'invalid' };

/** Idempotent: erasing twice, or a subscriber already gone, succeeds. */
export async function erase(deps: SubscriberDeps, token: string): Promise<Erasure> {
  const checked = await checkLink(deps, 'unsubscribe', token);
  if (!checked.ok) return { ok: false, problem: 'invalid' };
  const { check, link } = checked;
  const outcome = await storeOf(deps).erase(check.subscriberId, deps.clock.now(), link);
  deps.log.info('subscriber erased', { subscriberId: check.subscriberId, outcome });
  return { ok: true, outcome };
}

/** For the desk, on a reader's request by letter: what is kept about one address, or undefined when nothing is. */
export async function dataForAddress(
  deps: SubscriberDeps,
  address: string,
): Promise<Record<string, unknown> | undefined> {
  const subscriber = await subscriberAt(deps, address);
  return subscriber && subscriber.email !== '' ? subscriberData(subscriber, deps.config) : undefined;
}

/** For the desk: erases one address as the preference page would. */
export async function eraseAddress(
  deps: SubscriberDeps,
  address: string,
): Promise<'erased' | 'kept-suppression' | 'unknown'> {
  const checked = normalizeAddress(address);
  if (!checked.ok) throw new RangeError(`"${address}" is not an email address: ${checked.reason}`);
  const store = storeOf(deps);
  const id = store.idFor(checked.address);
  const outcome = await store.erase(id, deps.clock.now());
  deps.log.info('subscriber erased', { subscriberId: id, outcome, by: 'desk' });
  return outcome;
}

async function subscriberAt(deps: SubscriberDeps, address: string): Promise<Subscriber | undefined> {
  const checked = normalizeAddress(address);
  if (!checked.ok) throw new RangeError(`"${address}" is not an email address: ${checked.reason}`);
  return storeOf(deps).getByAddress(checked.address);
}

const topicKey = (name: string) => name.trim().toLowerCase();

function storeOf(deps: SubscriberDeps): SubscriberStore {
  return new SubscriberStore(deps.subscribers, deps.tokenSecret, deps.clock);
}
