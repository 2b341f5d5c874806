import { ConfigError, configFrom, loadConfig, type Config } from '../config.ts';

/** Everything a deployed function reads from its environment, read once, typed, and checked at start-up. */
export interface RuntimeConfig {
  publication: Config;
  editorialsBucket: string;
  publicBucket: string;
  subscribersTable: string;
  ledgerTable: string;
  dispatchQueueUrl: string;
  /** The SES account's maximum send rate, messages per second, shared by all workers. */
  sendRatePerSecond: number;
  /** The dispatch worker's reserved concurrency: each worker takes sendRatePerSecond / workerConcurrency. */
  workerConcurrency: number;
  shardSize: number;
  configurationSet?: string;
  /** Key for the HMAC that signs confirm and unsubscribe tokens. */
  tokenSecret: string;
  softBounceThreshold: number;
}

type Env = Record<string, string | undefined>;

export function readRuntimeConfig(env: Env = process.env): RuntimeConfig {
  const problems: string[] = [];
  const required = (name: string): string => {
    const value = env[name]?.trim();
    if (!value) problems.push(`${name} is not set`);
    return value ?? '';
  };
  const positive = (name: string, fallback: number): number => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const value = Number(raw);
    if (!Number.isFinite(value) || value <= 0) problems.push(`${name} must be a positive number, not "${raw}"`);
    return value;
  };
  const publication = readPublication(env, problems);
  const tokenSecret = required('TOKEN_SECRET');
  if (tokenSecret && tokenSecret.length < 32) problems.push('TOKEN_SECRET must be at least 32 characters');
  const config: RuntimeConfig = {
    publication,
    editorialsBucket: required('EDITORIALS_BUCKET'),
    publicBucket: required('PUBLIC_BUCKET'),
    subscribersTable: required('SUBSCRIBERS_TABLE'),
    ledgerTable: required('LEDGER_TABLE'),
    dispatchQueueUrl: required('DISPATCH_QUEUE_URL'),
    sendRatePerSecond: positive('SEND_RATE_PER_SECOND', 14),
    workerConcurrency: Math.floor(positive('WORKER_CONCURRENCY', 2)),
    shardSize: Math.floor(positive('SHARD_SIZE', 500)),
    configurationSet: env.CONFIGURATION_SET?.trim() || undefined,
    tokenSecret,
    softBounceThreshold: Math.floor(positive('SOFT_BOUNCE_THRESHOLD', 3)),
  };
  if (problems.length) throw new ConfigError(`invalid function environment:\n  - ${problems.join('\n  - ')}`);
  return config;
}

/** BROADSHEET_CONFIG holds the publication's JSON configuration; without it the built-in defaults apply. */
function readPublication(env: Env, problems: string[]): Config {
  const raw = env.BROADSHEET_CONFIG;
  if (!raw) return loadConfig();
  try {
    return configFrom(JSON.parse(raw), 'BROADSHEET_CONFIG');
  } catch (err) {
    problems.push(`BROADSHEET_CONFIG: ${(err as Error).message}`);
    return loadConfig();
  }
}

/**
 * The runtime configuration with the token secret resolved: TOKEN_SECRET when set (local runs), else the secret
 * named by TOKEN_SECRET_ARN, read once at cold start so the key never sits in the function's environment.
 */
export async function loadRuntimeConfig(env: Env = process.env, fetchSecret = fetchSecretFromExtension): Promise<RuntimeConfig> {
  if (!env.TOKEN_SECRET && env.TOKEN_SECRET_ARN) env = { ...env, TOKEN_SECRET: await fetchSecret(env.TOKEN_SECRET_ARN, env) };
  return readRuntimeConfig(env);
}

/** Reads a secret through the AWS Parameters and Secrets Lambda Extension, which caches it beside the function. */
export async function fetchSecretFromExtension(secretId: string, env: Env = process.env): Promise<string> {
  const port = env.PARAMETERS_SECRETS_EXTENSION_HTTP_PORT ?? '2773';
  const response = await fetch(`http://localhost:${port}/secretsmanager/get?secretId=${encodeURIComponent(secretId)}`, {
    headers: { 'X-Aws-Parameters-Secrets-Token': env.AWS_SESSION_TOKEN ?? '' },
  });
  if (!response.ok) {
    throw new ConfigError(`cannot read the token secret ${secretId}: the secrets extension answered ${response.status}; check the function's role may read it`);
  }
  const { SecretString } = (await response.json()) as { SecretString?: string };
  if (!SecretString) throw new ConfigError(`the token secret ${secretId} has no string value`);
  return SecretString;
}
