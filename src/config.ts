import { readFileSync } from 'node:fs';
import defaults from '../broadsheet.config.json' with { type: 'json' };
import { outboundUrlProblem } from './address-policy.ts';
import schema from '../broadsheet.config.schema.json' with { type: 'json' };
import { schemaProblems, type JsonSchema } from './config/schema-check.ts';
import { BroadsheetError } from './errors.ts';
import { trimEndOf } from './strings.ts';
import { isTimeZone, type DigestSettings } from './cadence.ts';
import { isMediaTopicCode } from './vocabulary/media-topics.ts';

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
  /** IPTC Media Topic codes (`medtop:NNNNNNNN`) per topic (compared by topic slug), carried as subjects partners
   * can route on; every code is one of src/vocabulary/media-topics.ts. A file's map replaces the sample's. */
  mediaTopics: Record<string, string[]>;
  /** What a reader may choose: the topics offered on the subscribe form and the preference page, and whether a
   * welcome email follows the confirmation. */
  subscription: { topics: ReaderTopic[]; welcomeEmail: boolean; digests: DigestSettings };
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
  if (!file) return validateConfig(builtInConfig(), 'built-in defaults');
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new ConfigError(`${file}: cannot read configuration: ${(err as Error).message}`);
  }
  return configFrom(raw, file);
}

/**
 * The built-in defaults as they are, unchecked: for a function whose configuration was checked before it ran
 * (src/app/runtime-config.ts). They need nothing filled in: test/unit/config.test.ts holds them to loadConfig().
 */
export function builtInConfig(): Config {
  const { $schema: _, ...config } = structuredClone(defaults);
  return config as Config;
}

/** The built-in defaults overlaid, field by field, with a parsed configuration object, then checked. */
export function configFrom(raw: unknown, origin: string, options: CheckOptions = {}): Config {
  if (!isObject(raw)) throw new ConfigError(`${origin}: configuration must be a JSON object`);
  // Copied, so filling in defaults (a partner's rotation) never changes the caller's object.
  const base: Record<string, unknown> = structuredClone(defaults);
  // The sample's topics are not the publication's: a map of its own replaces the sample's rather than adding to it.
  if ('mediaTopics' in raw) delete base.mediaTopics;
  return validateConfig(merge(base, structuredClone(raw)) as unknown as Config, origin, options);
}

export interface CheckOptions {
  /** A local run (emulators on this machine): a partner webhook may then be plain http to a loopback receiver.
   * Never set in Lambda; the outbound client refuses such a URL there anyway. */
  localRun?: boolean;
}

/** The configuration file's schema (broadsheet.config.schema.json), which editors read too. */
export const CONFIG_SCHEMA: JsonSchema = schema as JsonSchema;

const MEDIA_TOPIC_CODE = /^medtop:[0-9]{8}$/u;

/**
 * The patterns the schema names, as literals here so that the regular expression audit checks each one. Built when
 * a configuration is checked, not at load: a function that checks none (src/app/runtime-config.ts) builds nothing.
 */
const schemaPatterns = (): ReadonlyMap<string, RegExp> =>
  new Map(
    [
      /^[^\S\r\n]*\S[^\r\n]*$/u,
      /^(?:https:\/\/[^/\s]|http:\/\/(?:127\.0\.0\.1|localhost)(?::[0-9]+)?(?:\/|$))/u,
      /^[a-z0-9][a-z0-9-]{0,39}$/u,
      /^[a-z]{2,3}$/u,
      MEDIA_TOPIC_CODE,
    ].map((regex) => [regex.source, regex]),
  );

/** `uri` is any URL without spaces; the schema's pattern narrows a setting to https (or http to a loopback host). */
const SCHEMA_FORMATS = {
  email: isEmailAddress,
  uri: (value: string) => !/\s/.test(value) && URL.canParse(value),
};

/** Every problem the schema finds, as `path what-is-wrong`, with absent defaults (a partner's rotation) filled in. */
function configSchemaProblems(config: unknown): string[] {
  return schemaProblems(config, CONFIG_SCHEMA, { patterns: schemaPatterns(), formats: SCHEMA_FORMATS }).map(
    ({ path, message }) => `${path || 'the configuration'} ${message}`,
  );
}

/** Checks the defaults overlaid with a file: by the schema, then what a schema cannot say (uniqueness, the address
 * policy). */
export function validateConfig(config: Config, origin: string, options: CheckOptions = {}): Config {
  const problems = configSchemaProblems(config);
  partnerProblems(config, problems, options);
  subscriptionProblems(config, problems);
  mediaTopicProblems(config, problems);
  if (problems.length) {
    throw new ConfigError(`${origin}: invalid configuration:\n  - ${problems.join('\n  - ')}`);
  }
  delete (config as { $schema?: string }).$schema;
  config.publication.siteUrl = trimEndOf(config.publication.siteUrl, '/');
  return config;
}

export const PARTNER_ID = /^[a-z0-9][a-z0-9-]{0,39}$/;

/** Partner ids are unique, topics have a slug, and a webhook passes the outbound address policy. */
function partnerProblems(config: Config, problems: string[], options: CheckOptions): void {
  if (!Array.isArray(config.partners)) return;
  const ids = new Map<string, number>();
  for (const [n, partner] of (config.partners as unknown[]).entries()) {
    if (!isObject(partner)) continue;
    const at = `partners[${n}]`;
    const { id, topics, webhook } = partner;
    if (typeof id === 'string' && ids.has(id)) {
      problems.push(`${at}.id "${id}" is already the id of partners[${ids.get(id)}]: ids must be unique`);
    } else if (typeof id === 'string') ids.set(id, n);
    for (const [k, topic] of (Array.isArray(topics) ? topics : []).entries()) {
      if (typeof topic !== 'string' || hasTopicSlug(topic)) continue;
      problems.push(`${at}.topics[${k}] must be a topic with a letter or digit in it (not ${JSON.stringify(topic)})`);
    }
    const problem = typeof webhook === 'string' ? webhookUrlProblem(webhook, options.localRun === true) : undefined;
    if (problem) problems.push(`${at}.webhook ${problem}`);
  }
}

/** Reader topic names are unique without case; digests offer `each` and are read in a time zone this runtime knows. */
function subscriptionProblems(config: Config, problems: string[]): void {
  const digests: unknown = config.subscription?.digests;
  if (isObject(digests)) {
    const { cadences, timeZone } = digests;
    if (Array.isArray(cadences) && !cadences.includes('each'))
      problems.push('subscription.digests.cadences must include each (every editorial on its own, the default)');
    if (typeof timeZone === 'string' && !isTimeZone(timeZone))
      problems.push(
        `subscription.digests.timeZone ${JSON.stringify(timeZone)} is not a time zone this runtime knows: use an IANA name such as Europe/London or UTC`,
      );
  }
  const topics: unknown = config.subscription?.topics;
  if (!Array.isArray(topics)) return;
  const seen = new Map<string, number>();
  for (const [n, topic] of topics.entries()) {
    if (!isObject(topic) || typeof topic.name !== 'string') continue;
    const key = topic.name.trim().toLowerCase();
    const at = `subscription.topics[${n}]`;
    if (seen.has(key)) problems.push(`${at}.name "${topic.name}" is already subscription.topics[${seen.get(key)}]`);
    else seen.set(key, n);
  }
}

/** Every topic mapped has a slug, and every code is a Media Topic of the vocabulary Broadsheet ships. */
function mediaTopicProblems(config: Config, problems: string[]): void {
  const map: unknown = config.mediaTopics;
  if (!isObject(map)) return;
  for (const [topic, codes] of Object.entries(map)) {
    const at = `mediaTopics[${JSON.stringify(topic)}]`;
    if (!hasTopicSlug(topic)) problems.push(`${at} must be a topic with a letter or digit in it`);
    for (const [n, code] of (Array.isArray(codes) ? codes : []).entries()) {
      if (typeof code === 'string' && MEDIA_TOPIC_CODE.test(code) && !isMediaTopicCode(code))
        problems.push(
          `${at}[${n}] ${code} is not among the IPTC Media Topics Broadsheet knows (src/vocabulary/media-topics.ts): check the code at https://cv.iptc.org/newscodes/mediatopic/, then add it there from IPTC's own publication of the vocabulary`,
        );
    }
  }
}

/** Whether a partner is one of the sample publication's own (the built-in defaults): its paths need not be secret. */
export function isSamplePartner(partner: PartnerConfig): boolean {
  const canonical = (value: object) =>
    JSON.stringify(Object.entries({ rotation: 0, ...value }).sort(([a], [b]) => (a < b ? -1 : 1)));
  return (defaults.partners as object[]).some((sample) => canonical(sample) === canonical(partner));
}

/**
 * Whether a topic has a slug by the topic slug rule (`topicSlug` in src/render/topics.ts, which this module may not
 * import): a topic has one exactly when, in NFKC, it holds a letter, a mark or a digit. test/unit/partners-config.test.ts
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
function webhookUrlProblem(value: string, localRun: boolean): string | undefined {
  if (/\s/.test(value)) return 'must be an https:// URL';
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
