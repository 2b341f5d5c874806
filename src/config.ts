import { readFileSync } from 'node:fs';
import defaults from '../broadsheet.config.json' with { type: 'json' };
import { outboundUrlProblem } from './address-policy.ts';
import { BroadsheetError } from './errors.ts';
import { trimEndOf } from './strings.ts';

export interface Config {
  publication: { name: string; description: string; siteUrl: string; language: string };
  sender: { name: string; address: string; replyTo?: string };
  postalAddress: string;
  unsubscribe: { url: string; mailto?: string };
  rights: { copyrightHolder: string; copyrightNotice: string; usageTerms: string };
  /** `limit`: items in each subscription document, and in each archive page behind it. */
  feeds: { limit: number };
  /** When set, every feed names this WebSub hub (`rel="hub"`) and every change to a feed is announced to it. */
  websub?: { hub: string };
  email: { clipBytes: number; sampleRecipient: string };
  /** What one editorial may be: larger files and longer lines are rejected before they are parsed. */
  limits: EditorialLimits;
  /** Partner outlets: each gets its own feeds under an unguessable path (src/partners/). */
  partners: PartnerConfig[];
  /** `tombstoneDays`: how long a withdrawn editorial stays in partner documents as a tombstone. */
  partnerFeeds: { tombstoneDays: number };
  /** What a reader may choose: the topics offered on the subscribe form and the preference page, and whether a
   * welcome email follows the confirmation. */
  subscription: { topics: ReaderTopic[]; welcomeEmail: boolean };
  /** How a dispatch guards the publication's sending reputation, and what SES may track. */
  sending: SendingConfig;
}

export interface SendingConfig {
  /** A dispatch pauses itself once, after `minimumDeliveries` delivered or bounced messages since it started (or was
   * last resumed), its hard bounces pass `bounceRate` or its complaints `complaintRate` of them. Defaults 0.05 and
   * 0.001 (the rates SES reviews an account at), after 1,000: below that one complaint is already 0.1%, and a rate
   * says little about the list. */
  autoPause: { bounceRate: number; complaintRate: number; minimumDeliveries: number };
  /** Open and click tracking by SES (a pixel and rewritten links): off by default, for the readers' privacy. */
  tracking: { opens: boolean; clicks: boolean };
}

/** A topic readers can choose. `name` is the topic as editorials name it (compared without case); `labels` gives
 * its name per language (a primary language subtag such as `fr`), shown instead of `name` where one fits. */
export interface ReaderTopic {
  name: string;
  labels?: Record<string, string>;
}

export const PARTNER_FORMATS = ['atom', 'ninjs', 'json'] as const;
export type PartnerFormat = (typeof PARTNER_FORMATS)[number];

/** One partner outlet, as checked: `rotation` is 0 unless given. */
export interface PartnerConfig {
  /** Lower-case letters, digits and hyphens, at most 40 characters: named in partners.json and on the command line. */
  id: string;
  name: string;
  formats: PartnerFormat[];
  /** Only editorials with one of these topics (compared by topic slug); every topic when absent. */
  topics?: string[];
  /** Overrides `rights.usageTerms` for this partner. */
  usageTerms?: string;
  /** Overrides `rights.copyrightHolder` for this partner. */
  copyrightHolder?: string;
  /** An https URL told of changes to this partner's feeds. */
  webhook?: string;
  /** Incremented to give the partner a new path (the old one is no longer written). */
  rotation: number;
}

export interface EditorialLimits {
  /** Bytes of one editorial file (default 2,000,000: a long editorial is a few tens of kilobytes). */
  maxEditorialBytes: number;
  /** Characters of one line (default 20,000: a long paragraph of the plain-text form is a few thousand). */
  maxLineLength: number;
}

export class ConfigError extends BroadsheetError {
  override name = 'ConfigError';
}

const ADDRESS_PART = /^[^\s@<>()",;:\\[\]]+$/;

/** `local@domain.tld`: the domain has a dot with something on both sides (one pass, no backtracking). */
export function isEmailAddress(value: string): boolean {
  const at = value.indexOf('@');
  const local = value.slice(0, at);
  const domain = value.slice(at + 1);
  return at > 0 && ADDRESS_PART.test(local) && ADDRESS_PART.test(domain) && domain.slice(1, -1).includes('.');
}

/** The built-in defaults (a sample publication), overlaid with the given file when there is one. */
export function loadConfig(file?: string): Config {
  if (!file) return validateConfig(structuredClone(defaults) as Config, 'built-in defaults');
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new ConfigError(`${file}: cannot read configuration: ${(err as Error).message}`);
  }
  return configFrom(raw, file);
}

/** The built-in defaults overlaid, field by field, with a parsed configuration object, then checked. */
export function configFrom(raw: unknown, origin: string, options: CheckOptions = {}): Config {
  if (!isObject(raw)) throw new ConfigError(`${origin}: configuration must be a JSON object`);
  // Copied, so filling in defaults (a partner's rotation) never changes the caller's object.
  return validateConfig(merge(structuredClone(defaults), structuredClone(raw)) as unknown as Config, origin, options);
}

export interface CheckOptions {
  /** A local run (emulators on this machine): a partner webhook may then be plain http to a loopback receiver.
   * Never set in Lambda; the outbound client refuses such a URL there anyway. */
  localRun?: boolean;
}

export function validateConfig(config: Config, origin: string, options: CheckOptions = {}): Config {
  const problems: string[] = [];
  const text = (path: string, value: unknown) => {
    if (typeof value !== 'string' || value.trim() === '' || /[\r\n]/.test(value)) {
      problems.push(`${path} must be a non-empty single-line string`);
    }
  };
  const url = (path: string, value: unknown) => {
    text(path, value);
    // Plain http is for a local run on this machine only.
    if (typeof value === 'string' && !/^(https:\/\/[^/\s]+|http:\/\/(127\.0\.0\.1|localhost)(:\d+)?(\/|$))/.test(value)) {
      problems.push(`${path} must be an https:// URL`);
    }
  };
  const address = (path: string, value: unknown) => {
    text(path, value);
    if (typeof value === 'string' && !isEmailAddress(value)) problems.push(`${path} must be an email address`);
  };
  text('publication.name', config.publication?.name);
  text('publication.description', config.publication?.description);
  url('publication.siteUrl', config.publication?.siteUrl);
  text('publication.language', config.publication?.language);
  text('sender.name', config.sender?.name);
  address('sender.address', config.sender?.address);
  if (config.sender?.replyTo !== undefined) address('sender.replyTo', config.sender.replyTo);
  text('postalAddress', config.postalAddress);
  url('unsubscribe.url', config.unsubscribe?.url);
  if (config.unsubscribe?.mailto !== undefined) address('unsubscribe.mailto', config.unsubscribe.mailto);
  text('rights.copyrightHolder', config.rights?.copyrightHolder);
  text('rights.copyrightNotice', config.rights?.copyrightNotice);
  text('rights.usageTerms', config.rights?.usageTerms);
  if (!Number.isInteger(config.feeds?.limit) || config.feeds.limit < 1) problems.push('feeds.limit must be a positive integer');
  if (config.websub !== undefined) url('websub.hub', config.websub?.hub);
  if (!Number.isInteger(config.email?.clipBytes) || config.email.clipBytes < 10_000) {
    problems.push('email.clipBytes must be an integer of at least 10000');
  }
  address('email.sampleRecipient', config.email?.sampleRecipient);
  for (const name of ['maxEditorialBytes', 'maxLineLength'] as const) {
    const value = config.limits?.[name];
    if (!Number.isInteger(value) || value < 1000) problems.push(`limits.${name} must be an integer of at least 1000`);
  }
  partnerProblems(config, problems, text, options);
  subscriptionProblems(config, problems, text);
  sendingProblems(config, problems);
  if (problems.length) {
    throw new ConfigError(`${origin}: invalid configuration:\n  - ${problems.join('\n  - ')}`);
  }
  config.publication.siteUrl = trimEndOf(config.publication.siteUrl, '/');
  return config;
}

export const PARTNER_ID = /^[a-z0-9][a-z0-9-]{0,39}$/;
const PARTNER_FIELDS = ['id', 'name', 'formats', 'topics', 'usageTerms', 'copyrightHolder', 'webhook', 'rotation'];

/** Checks `partners` and `partnerFeeds`, filling in each partner's default rotation. */
function partnerProblems(config: Config, problems: string[], single: (path: string, value: unknown) => void, options: CheckOptions): void {
  const days = config.partnerFeeds?.tombstoneDays;
  if (!Number.isInteger(days) || days < 1) problems.push('partnerFeeds.tombstoneDays must be a positive integer');
  if (!Array.isArray(config.partners)) {
    problems.push('partners must be an array');
    return;
  }
  const ids = new Map<string, number>();
  for (const [n, partner] of (config.partners as unknown[]).entries()) {
    const at = `partners[${n}]`;
    if (!isObject(partner)) {
      problems.push(`${at} must be an object with id, name and formats`);
      continue;
    }
    for (const key of Object.keys(partner)) {
      if (!PARTNER_FIELDS.includes(key)) problems.push(`${at}.${key} is not a partner field (${PARTNER_FIELDS.join(', ')})`);
    }
    const { id, formats, topics, webhook } = partner;
    if (typeof id !== 'string' || !PARTNER_ID.test(id)) {
      problems.push(`${at}.id must be 1 to 40 lower-case letters, digits and hyphens, starting with a letter or digit (not ${JSON.stringify(id)})`);
    } else if (ids.has(id)) {
      problems.push(`${at}.id "${id}" is already the id of partners[${ids.get(id)}]: ids must be unique`);
    } else {
      ids.set(id, n);
    }
    single(`${at}.name`, partner.name);
    if (!Array.isArray(formats) || formats.length === 0) {
      problems.push(`${at}.formats must list at least one of ${PARTNER_FORMATS.join(', ')}`);
    } else {
      for (const [k, format] of formats.entries()) {
        if (!(PARTNER_FORMATS as readonly unknown[]).includes(format)) problems.push(`${at}.formats[${k}] ${JSON.stringify(format)} is not a partner format (${PARTNER_FORMATS.join(', ')})`);
        else if (formats.indexOf(format) !== k) problems.push(`${at}.formats lists "${format}" twice`);
      }
    }
    if (topics !== undefined) {
      if (!Array.isArray(topics) || topics.length === 0) problems.push(`${at}.topics must be a non-empty array of topics (leave it out for every topic)`);
      else {
        for (const [k, topic] of topics.entries()) {
          if (typeof topic !== 'string' || !hasTopicSlug(topic)) problems.push(`${at}.topics[${k}] must be a topic with a letter or digit in it (not ${JSON.stringify(topic)})`);
        }
      }
    }
    if (partner.usageTerms !== undefined) single(`${at}.usageTerms`, partner.usageTerms);
    if (partner.copyrightHolder !== undefined) single(`${at}.copyrightHolder`, partner.copyrightHolder);
    if (webhook !== undefined) {
      const problem = webhookUrlProblem(webhook, options.localRun === true);
      if (problem) problems.push(`${at}.webhook ${problem}`);
    }
    if (partner.rotation === undefined) partner.rotation = 0;
    else if (!Number.isInteger(partner.rotation) || (partner.rotation as number) < 0) problems.push(`${at}.rotation must be a whole number, 0 or more`);
  }
}

const LANGUAGE_SUBTAG = /^[a-z]{2,3}$/;

/** Checks `sending`: rates between 0 and 1, a whole minimum, tracking switches. */
function sendingProblems(config: Config, problems: string[]): void {
  const sending = config.sending;
  if (!isObject(sending) || !isObject(sending.autoPause) || !isObject(sending.tracking)) {
    problems.push('sending must be an object with autoPause { bounceRate, complaintRate, minimumDeliveries } and tracking { opens, clicks }');
    return;
  }
  for (const key of ['bounceRate', 'complaintRate'] as const) {
    const rate = sending.autoPause[key];
    if (typeof rate !== 'number' || !(rate > 0 && rate <= 1)) problems.push(`sending.autoPause.${key} must be a number above 0 and at most 1 (0.05 is 5%)`);
  }
  const minimum = sending.autoPause.minimumDeliveries;
  if (!Number.isInteger(minimum) || minimum < 1) problems.push('sending.autoPause.minimumDeliveries must be a positive whole number');
  for (const key of ['opens', 'clicks'] as const) {
    if (typeof sending.tracking[key] !== 'boolean') problems.push(`sending.tracking.${key} must be true or false`);
  }
}

/** Checks `subscription`: unique topic names (without case), labels keyed by primary language subtags. */
function subscriptionProblems(config: Config, problems: string[], single: (path: string, value: unknown) => void): void {
  const subscription = config.subscription;
  if (!isObject(subscription)) {
    problems.push('subscription must be an object with topics and welcomeEmail');
    return;
  }
  if (typeof subscription.welcomeEmail !== 'boolean') problems.push('subscription.welcomeEmail must be true or false');
  if (!Array.isArray(subscription.topics)) {
    problems.push('subscription.topics must be an array of { "name", "labels" } (empty: readers get every topic)');
    return;
  }
  const seen = new Map<string, number>();
  for (const [n, topic] of (subscription.topics as unknown[]).entries()) {
    const at = `subscription.topics[${n}]`;
    if (!isObject(topic)) {
      problems.push(`${at} must be an object with a name`);
      continue;
    }
    single(`${at}.name`, topic.name);
    if (typeof topic.name === 'string') {
      const key = topic.name.trim().toLowerCase();
      if (seen.has(key)) problems.push(`${at}.name "${topic.name}" is already subscription.topics[${seen.get(key)}]`);
      else seen.set(key, n);
      if (topic.name.length > 64) problems.push(`${at}.name must be at most 64 characters`);
    }
    if (topic.labels !== undefined) {
      if (!isObject(topic.labels)) problems.push(`${at}.labels must map languages (such as "fr") to names`);
      else {
        for (const [lang, label] of Object.entries(topic.labels)) {
          if (!LANGUAGE_SUBTAG.test(lang)) problems.push(`${at}.labels key "${lang}" must be a primary language subtag such as "fr"`);
          single(`${at}.labels.${lang}`, label);
        }
      }
    }
  }
}

/** Whether a partner is one of the sample publication's own (the built-in defaults): its paths need not be secret. */
export function isSamplePartner(partner: PartnerConfig): boolean {
  const canonical = (value: object) => JSON.stringify(Object.entries({ rotation: 0, ...value }).sort(([a], [b]) => (a < b ? -1 : 1)));
  return (defaults.partners as object[]).some((sample) => canonical(sample) === canonical(partner));
}

/**
 * Whether a topic has a slug by the topic slug rule (`topicSlug` in src/render/topics.ts, which this module may not
 * import): a topic has one exactly when, in NFKC, it holds a letter, a mark or a digit. test/partners-config.test.ts
 * holds the two to the same answer.
 */
export function hasTopicSlug(topic: string): boolean {
  return /[\p{L}\p{M}\p{N}]/u.test(topic.normalize('NFKC'));
}

/**
 * What is wrong with a partner webhook URL, or undefined: it must be https (plain http only to a loopback receiver
 * of a local run), and a literal IP host must be a public address (not 10.0.0.5, 169.254.169.254, [::1], 127.1 ...).
 * A name that resolves to a private address is refused when a delivery is sent (src/adapters/outbound-http.ts).
 */
function webhookUrlProblem(value: unknown, localRun: boolean): string | undefined {
  if (typeof value !== 'string' || /\s/.test(value)) return 'must be an https:// URL';
  if (!localRun && !isHttpsUrl(value)) return 'must be an https:// URL';
  return outboundUrlProblem(value, { allowLocal: localRun });
}

function isHttpsUrl(value: unknown): boolean {
  if (typeof value !== 'string' || /\s/.test(value)) return false;
  try {
    const url = new URL(value);
    return url.protocol === 'https:' && url.hostname !== '';
  } catch {
    return false;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function merge(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  for (const [key, value] of Object.entries(over)) {
    const current = base[key];
    base[key] = isObject(current) && isObject(value) ? merge(current, value) : value;
  }
  return base;
}
