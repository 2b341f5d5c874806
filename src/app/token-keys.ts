import { KID, LEGACY_KID, singleKey, type TokenKeys } from '../subscribers/tokens.ts';

type Env = Record<string, string | undefined>;

/** The variables behind the token keys; runtime-config.ts lists them with the others. */
export const TOKEN_KEY_ENV = {
  tokenSecret: 'TOKEN_SECRET',
  tokenKeys: 'TOKEN_KEYS',
  subscriberIdKey: 'SUBSCRIBER_ID_KEY',
} as const;

export const MIN_KEY_LENGTH = 32;

/**
 * The keys, checked once, every problem named. TOKEN_KEYS (JSON `{ "current": kid, "keys": { kid: secret },
 * "retiring": { kid: ISO time } }`) with SUBSCRIBER_ID_KEY when a key set is configured; else TOKEN_SECRET alone,
 * which is both the id key and the one signing key (kid "0"). Every kid in `keys` is the current one or retiring
 * (accepted until its time), so no key is accepted by accident.
 */
export function readTokenKeys(env: Env, problems: string[]): TokenKeys {
  const rawSet = env[TOKEN_KEY_ENV.tokenKeys]?.trim();
  if (!rawSet) {
    const secret = env[TOKEN_KEY_ENV.tokenSecret]?.trim() ?? '';
    if (!secret)
      problems.push(
        `${TOKEN_KEY_ENV.tokenSecret} (or ${TOKEN_KEY_ENV.tokenKeys} with ${TOKEN_KEY_ENV.subscriberIdKey}) is not set`,
      );
    else if (secret.length < MIN_KEY_LENGTH)
      problems.push(`${TOKEN_KEY_ENV.tokenSecret} must be at least ${MIN_KEY_LENGTH} characters`);
    return singleKey(secret);
  }
  const idKey = env[TOKEN_KEY_ENV.subscriberIdKey]?.trim() ?? '';
  if (!idKey)
    problems.push(
      `${TOKEN_KEY_ENV.subscriberIdKey} must be set with ${TOKEN_KEY_ENV.tokenKeys}: it derives subscriber ids (the former ${TOKEN_KEY_ENV.tokenSecret}, so ids stay the same)`,
    );
  else if (idKey.length < MIN_KEY_LENGTH)
    problems.push(`${TOKEN_KEY_ENV.subscriberIdKey} must be at least ${MIN_KEY_LENGTH} characters`);
  const set = parseKeySet(rawSet, problems);
  return { idKey, ...set };
}

function parseKeySet(raw: string, problems: string[]): Omit<TokenKeys, 'idKey'> {
  const name = TOKEN_KEY_ENV.tokenKeys;
  const empty = { current: LEGACY_KID, signing: {}, retiring: {} };
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch (err) {
    problems.push(`${name} must be JSON: ${(err as Error).message}`);
    return empty;
  }
  if (!isRecord(value) || typeof value.current !== 'string' || !isRecord(value.keys)) {
    problems.push(
      `${name} must be { "current": "<kid>", "keys": { "<kid>": "<secret>" }, "retiring": { "<kid>": "<ISO time>" } }`,
    );
    return empty;
  }
  const signing: Record<string, string> = {};
  for (const [kid, secret] of Object.entries(value.keys)) {
    if (!KID.test(kid)) problems.push(`${name}: key id "${kid}" must be 1-16 letters, digits, "_" or "-"`);
    if (typeof secret !== 'string' || secret.length < MIN_KEY_LENGTH)
      problems.push(`${name}: key "${kid}" must be a string of at least ${MIN_KEY_LENGTH} characters`);
    else signing[kid] = secret;
  }
  const retiring: Record<string, Date> = {};
  const retiringRaw = value.retiring ?? {};
  if (!isRecord(retiringRaw)) problems.push(`${name}: "retiring" must map key ids to ISO times`);
  else {
    for (const [kid, until] of Object.entries(retiringRaw)) {
      const at = typeof until === 'string' ? new Date(until) : new Date(Number.NaN);
      if (Number.isNaN(at.getTime()))
        problems.push(`${name}: retiring "${kid}" must be an ISO 8601 time, such as "2027-01-31T00:00:00Z"`);
      else retiring[kid] = at;
      if (!Object.hasOwn(value.keys, kid)) problems.push(`${name}: retiring "${kid}" is not among the keys`);
      if (kid === value.current) problems.push(`${name}: the current key "${kid}" cannot be retiring`);
    }
  }
  if (!Object.hasOwn(value.keys, value.current))
    problems.push(`${name}: the current key "${value.current}" is not among the keys`);
  for (const kid of Object.keys(value.keys)) {
    if (kid !== value.current && !Object.hasOwn(retiringRaw as object, kid)) {
      problems.push(`${name}: key "${kid}" is neither current nor retiring: give it a "retiring" time or remove it`);
    }
  }
  return { current: value.current, signing, retiring };
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
