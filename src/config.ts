import { readFileSync } from 'node:fs';
import defaults from '../broadsheet.config.json' with { type: 'json' };
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
  partners: { id: string; name: string; formats: string[] }[];
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
export function configFrom(raw: unknown, origin: string): Config {
  if (!isObject(raw)) throw new ConfigError(`${origin}: configuration must be a JSON object`);
  return validateConfig(merge(structuredClone(defaults), raw) as unknown as Config, origin);
}

export function validateConfig(config: Config, origin: string): Config {
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
  if (!Array.isArray(config.partners)) problems.push('partners must be an array');
  if (problems.length) {
    throw new ConfigError(`${origin}: invalid configuration:\n  - ${problems.join('\n  - ')}`);
  }
  config.publication.siteUrl = trimEndOf(config.publication.siteUrl, '/');
  return config;
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
