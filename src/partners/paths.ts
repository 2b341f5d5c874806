import { createHmac } from 'node:crypto';
import { ConfigError, type Config, type PartnerConfig, type PartnerFormat } from '../config.ts';
import { BroadsheetError } from '../errors.ts';
import { siteUrl } from '../render/scopes.ts';

/*
 * Where each partner reads its feeds: `partners/<path>/`, `<path>` an HMAC of the partner's id and rotation under a
 * secret, so nobody can find a partner's feeds from its id, and nothing public ever links there. Rotating a partner
 * (rotation + 1) moves that partner alone.
 */

/** The environment variable holding the secret (in AWS: from Secrets Manager). */
export const PARTNER_SECRET_ENV = 'BROADSHEET_PARTNER_SECRET';
export const MIN_PARTNER_SECRET_LENGTH = 32;
/**
 * Used when no secret is set, so every command runs with no configuration at all. It is written here, so paths
 * derived from it are not secret: fine for the sample publication and tests, never for real partners.
 */
export const DEVELOPMENT_PARTNER_SECRET = 'broadsheet development partner secret: paths from it are public';

export interface PartnerSecret {
  value: string;
  /** The development secret, used because none was set. */
  development: boolean;
}

/** The secret from the environment: the development secret when unset; an error when set but shorter than 32 characters. */
export function partnerSecretFrom(env: Record<string, string | undefined>): PartnerSecret {
  const value = env[PARTNER_SECRET_ENV];
  if (value === undefined) return { value: DEVELOPMENT_PARTNER_SECRET, development: true };
  const length = [...value].length;
  if (length < MIN_PARTNER_SECRET_LENGTH) {
    throw new ConfigError(
      `${PARTNER_SECRET_ENV} must be at least ${MIN_PARTNER_SECRET_LENGTH} characters long (it has ${length}): partner paths are only as unguessable as it is`,
    );
  }
  return { value, development: false };
}

/** What is said on standard error when partner paths come from the development secret. */
export const DEVELOPMENT_SECRET_WARNING =
  `warning: ${PARTNER_SECRET_ENV} is not set, so partner paths come from the development secret and are not secret; ` +
  `set it (at least ${MIN_PARTNER_SECRET_LENGTH} characters) before giving partners their feeds`;

const PATH_LABEL = 'broadsheet partner path v1';
/** 26 base32 characters: 130 bits of the HMAC. */
export const PARTNER_PATH_LENGTH = 26;
const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';
/** Each try avoids a given id with a chance of at least (31/32)^26 (a one-letter id), so this is never reached. */
const MAX_TRIES = 1000;

/**
 * One derivation: HMAC-SHA256(secret, "broadsheet partner path v1\0<id>\0<rotation>") as lower-case base32 without
 * padding, its first 26 characters; a try after the first adds "\0<counter>".
 */
export function derivePartnerPath(secret: string, id: string, rotation: number, counter = 0): string {
  const message = [PATH_LABEL, id, String(rotation), ...(counter > 0 ? [String(counter)] : [])].join('\0');
  return base32(createHmac('sha256', secret).update(message, 'utf8').digest()).slice(0, PARTNER_PATH_LENGTH);
}

/** The partner's current path: the first derivation that does not contain its id. */
export function partnerPath(secret: string, partner: Pick<PartnerConfig, 'id' | 'rotation'>): string {
  for (let counter = 0; counter < MAX_TRIES; counter++) {
    const path = derivePartnerPath(secret, partner.id, partner.rotation, counter);
    if (!path.includes(partner.id)) return path;
  }
  throw new BroadsheetError(`no path for partner "${partner.id}" avoids its id`);
}

function base32(bytes: Uint8Array): string {
  let out = '';
  let bits = 0;
  let value = 0;
  for (const byte of bytes) {
    value = ((value << 8) | byte) & 0xffff;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  return bits > 0 ? out + BASE32[(value << (5 - bits)) & 31] : out;
}

export const PARTNER_FILE_NAMES: Record<PartnerFormat, string> = {
  atom: 'atom.xml',
  json: 'feed.json',
  ninjs: 'ninjs.json',
};

export const PARTNER_CONTENT_TYPES: Record<PartnerFormat, string> = {
  atom: 'application/atom+xml; charset=utf-8',
  json: 'application/feed+json; charset=utf-8',
  ninjs: 'application/json; charset=utf-8',
};

/** The desk's list of partners and their feeds, beside the site and never published with it. */
export const PARTNERS_MANIFEST = 'partners.json';
/** The folder holding every partner's path. */
export const PARTNERS_FOLDER = 'partners';

/** Keys below the site root: the subscription document (`page` undefined) or archive page `page`. */
export function partnerKey(path: string, format: PartnerFormat, page?: number): string {
  return `${PARTNERS_FOLDER}/${path}/${page === undefined ? '' : `archive/${page}/`}${PARTNER_FILE_NAMES[format]}`;
}

export function partnerUrl(config: Config, path: string, format: PartnerFormat, page?: number): string {
  return siteUrl(config, partnerKey(path, format, page));
}
