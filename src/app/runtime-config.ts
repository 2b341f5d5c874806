import type { EndpointMap } from '../adapters/aws-clients.ts';
import { builtInConfig, ConfigError, configFrom, loadConfig, type Config } from '../config.ts';
import { MIN_PARTNER_SECRET_LENGTH } from '../partners/paths.ts';
import type { TokenKeys } from '../subscribers/tokens.ts';
import { readTokenKeys, TOKEN_KEY_ENV } from './token-keys.ts';

/**
 * Everything a function needs to know about where it runs, typed and checked once. Lambda reads it from the
 * environment (readRuntimeConfig); a local run builds it as a value and hands it to the same factories
 * (src/app/*), so several local pipelines can run side by side in one process.
 */
export interface RuntimeConfig {
  publication: Config;
  editorialsBucket: string;
  publicBucket: string;
  subscribersTable: string;
  ledgerTable: string;
  dispatchQueueUrl: string;
  /** The partner webhook queue: the publish stage sends to it, the webhook worker takes from it. Without it the
   * publish stage queues no webhook. */
  webhookQueueUrl?: string;
  /** The webhook queue's receives before a message is dead-lettered: the webhook worker records that attempt as
   * dead-lettered for the pickup report. Default 5, as the stack's queue has it. */
  webhookMaxReceiveCount?: number;
  /** The access-log bucket, where the distribution's standard logs arrive (under `cloudfront/<distributionId>/`):
   * the publish function's scheduled run reads the last day of partner fetches there while a kill is that young. */
  accessLogBucket?: string;
  /** The CloudFront distribution in front of the public bucket: the publish stage invalidates what a correction or
   * withdrawal changed there. Without it nothing is invalidated (cached copies expire by their Cache-Control). */
  distributionId?: string;
  /** The SES account's maximum send rate, messages per second, shared by all workers. */
  sendRatePerSecond: number;
  /** The dispatch worker's reserved concurrency: each worker takes sendRatePerSecond / workerConcurrency. */
  workerConcurrency: number;
  shardSize: number;
  configurationSet?: string;
  /** The key subscriber ids are derived with: TOKEN_SECRET alone, else SUBSCRIBER_ID_KEY (tokenKeys.idKey); '' in a
   * function that holds no token key (NO_TOKEN_KEYS: the publish function, the webhook worker). */
  tokenSecret: string;
  /** The id key and the signing keys of confirm and unsubscribe tokens, by key id (src/app/token-keys.ts); set
   * when read from the environment (unless NO_TOKEN_KEYS); absent in a configuration built by hand: `tokenSecret` is
   * the one key. */
  tokenKeys?: TokenKeys;
  /** The queue the subscribe function hands confirmation sends to; the confirmation sender takes from it. Without
   * it the confirmation is sent within the request. */
  confirmationQueueUrl?: string;
  /** Subscribe requests one client address may make a minute. Default 20 (RUNTIME_DEFAULTS). */
  subscribeRatePerMinute?: number;
  /** Key for the HMAC of partner feed paths (src/partners/paths.ts); the development secret when absent. */
  partnerSecret?: string;
  /** Key partner webhook signing keys derive from (src/partners/webhooks.ts), so the webhook worker needs no partner
   * path secret; `partnerSecret` when absent (local runs). */
  webhookSecret?: string;
  softBounceThreshold: number;
  /** Emulator endpoints: empty in Lambda, where each client finds its service from the region. */
  endpoints: EndpointMap;
  /** Where the functions' log lines go: standard output (Lambda collects it) unless a file is named. */
  logFile?: string;
}

/** The tunables' defaults, for the functions, the CDK settings and local runs alike. */
export const RUNTIME_DEFAULTS = {
  /** SES's usual rate once an account leaves the sandbox. */
  sendRatePerSecond: 14,
  workerConcurrency: 2,
  shardSize: 500,
  softBounceThreshold: 3,
  subscribeRatePerMinute: 20,
} as const;

/** Shards a dispatch worker invocation takes: one, so that shards queued together go out side by side in as many
 * workers (up to workerConcurrency), each at its share of the send rate. The stack's event source and the local
 * poller both take it. */
export const DISPATCH_SHARDS_PER_INVOCATION = 1;

/** The environment variable behind each field: the CDK stack writes them, the functions read them. */
export const RUNTIME_ENV = {
  publication: 'BROADSHEET_CONFIG',
  editorialsBucket: 'EDITORIALS_BUCKET',
  publicBucket: 'PUBLIC_BUCKET',
  subscribersTable: 'SUBSCRIBERS_TABLE',
  ledgerTable: 'LEDGER_TABLE',
  dispatchQueueUrl: 'DISPATCH_QUEUE_URL',
  webhookQueueUrl: 'WEBHOOK_QUEUE_URL',
  webhookMaxReceiveCount: 'WEBHOOK_MAX_RECEIVE_COUNT',
  accessLogBucket: 'ACCESS_LOG_BUCKET',
  distributionId: 'DISTRIBUTION_ID',
  sendRatePerSecond: 'SEND_RATE_PER_SECOND',
  workerConcurrency: 'WORKER_CONCURRENCY',
  shardSize: 'SHARD_SIZE',
  configurationSet: 'CONFIGURATION_SET',
  tokenSecret: TOKEN_KEY_ENV.tokenSecret,
  /** In AWS the key itself stays in Secrets Manager; the function reads it by this ARN at cold start. */
  tokenSecretArn: 'TOKEN_SECRET_ARN',
  /** The signing key set as JSON; in AWS by ARN too. */
  tokenKeys: TOKEN_KEY_ENV.tokenKeys,
  tokenKeysArn: 'TOKEN_KEYS_ARN',
  subscriberIdKey: TOKEN_KEY_ENV.subscriberIdKey,
  subscriberIdKeyArn: 'SUBSCRIBER_ID_KEY_ARN',
  confirmationQueueUrl: 'CONFIRMATION_QUEUE_URL',
  subscribeRatePerMinute: 'SUBSCRIBE_RATE_PER_MINUTE',
  partnerSecret: 'BROADSHEET_PARTNER_SECRET',
  /** In AWS the partner secret stays in Secrets Manager too, read by this ARN at cold start. */
  partnerSecretArn: 'BROADSHEET_PARTNER_SECRET_ARN',
  /** The key partner webhook keys derive from (the webhook worker's alone); the partner secret when unset. */
  webhookSecret: 'BROADSHEET_WEBHOOK_SECRET',
  webhookSecretArn: 'BROADSHEET_WEBHOOK_SECRET_ARN',
  softBounceThreshold: 'SOFT_BOUNCE_THRESHOLD',
  /** 'true' for a function that holds no token key (the publish function, the webhook worker): it reads none. */
  noTokenKeys: 'NO_TOKEN_KEYS',
  endpoints: 'BROADSHEET_LOCAL_ENDPOINTS',
  logFile: 'BROADSHEET_LOG_FILE',
} as const;

type Env = Record<string, string | undefined>;
type EnvField = keyof typeof RUNTIME_ENV;

/** The variables for the given fields, named as the functions read them (for the CDK stack). Values are strings. */
export function runtimeEnvironment(values: Partial<Record<EnvField, string | number>>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(values)
      .filter(([, value]) => value !== undefined)
      .map(([field, value]) => [RUNTIME_ENV[field as EnvField], String(value)]),
  );
}

/** What BROADSHEET_CONFIG holds, read into the publication's configuration; what is wrong goes into `problems`. */
type PublicationReader = (raw: string | undefined, problems: string[]) => Config;

/** The runtime configuration, every part checked: BROADSHEET_CONFIG by the configuration's schema and rules. */
export function readRuntimeConfig(env: Env = process.env): RuntimeConfig {
  return readEnvironment(env, checkedPublication);
}

function readEnvironment(env: Env, readPublication: PublicationReader): RuntimeConfig {
  const problems: string[] = [];
  const required = (field: EnvField): string => {
    const value = env[RUNTIME_ENV[field]]?.trim();
    if (!value) problems.push(`${RUNTIME_ENV[field]} is not set`);
    return value ?? '';
  };
  const positive = (field: EnvField & keyof typeof RUNTIME_DEFAULTS): number => {
    const name = RUNTIME_ENV[field];
    const raw = env[name];
    if (raw === undefined || raw === '') return RUNTIME_DEFAULTS[field];
    const value = Number(raw);
    if (!Number.isFinite(value) || value <= 0) problems.push(`${name} must be a positive number, not "${raw}"`);
    return value;
  };
  const publication = readPublication(env[RUNTIME_ENV.publication], problems);
  // A function without token keys has an empty tokenSecret and no tokenKeys: it signs and checks no link.
  const keyless = env[RUNTIME_ENV.noTokenKeys] === 'true';
  const tokenKeys = keyless ? undefined : readTokenKeys(env, problems);
  const partnerSecret = env[RUNTIME_ENV.partnerSecret];
  if (partnerSecret !== undefined && [...partnerSecret].length < MIN_PARTNER_SECRET_LENGTH) {
    problems.push(`${RUNTIME_ENV.partnerSecret} must be at least ${MIN_PARTNER_SECRET_LENGTH} characters`);
  }
  const webhookSecret = env[RUNTIME_ENV.webhookSecret];
  if (webhookSecret !== undefined && [...webhookSecret].length < MIN_PARTNER_SECRET_LENGTH) {
    problems.push(`${RUNTIME_ENV.webhookSecret} must be at least ${MIN_PARTNER_SECRET_LENGTH} characters`);
  }
  const configurationSet = env[RUNTIME_ENV.configurationSet]?.trim();
  const logFile = env[RUNTIME_ENV.logFile]?.trim();
  const webhookQueueUrl = env[RUNTIME_ENV.webhookQueueUrl]?.trim();
  const distributionId = env[RUNTIME_ENV.distributionId]?.trim();
  const accessLogBucket = env[RUNTIME_ENV.accessLogBucket]?.trim();
  const maxReceives = env[RUNTIME_ENV.webhookMaxReceiveCount]?.trim();
  const webhookMaxReceiveCount = maxReceives ? Number(maxReceives) : undefined;
  if (webhookMaxReceiveCount !== undefined && !(Number.isInteger(webhookMaxReceiveCount) && webhookMaxReceiveCount > 0))
    problems.push(`${RUNTIME_ENV.webhookMaxReceiveCount} must be a positive whole number, not "${maxReceives}"`);
  const confirmationQueueUrl = env[RUNTIME_ENV.confirmationQueueUrl]?.trim();
  const config: RuntimeConfig = {
    publication,
    editorialsBucket: required('editorialsBucket'),
    publicBucket: required('publicBucket'),
    subscribersTable: required('subscribersTable'),
    ledgerTable: required('ledgerTable'),
    dispatchQueueUrl: required('dispatchQueueUrl'),
    ...(webhookQueueUrl && { webhookQueueUrl }),
    ...(distributionId && { distributionId }),
    ...(webhookMaxReceiveCount !== undefined && { webhookMaxReceiveCount }),
    ...(accessLogBucket && { accessLogBucket }),
    sendRatePerSecond: positive('sendRatePerSecond'),
    workerConcurrency: Math.floor(positive('workerConcurrency')),
    shardSize: Math.floor(positive('shardSize')),
    ...(configurationSet && { configurationSet }),
    tokenSecret: tokenKeys?.idKey ?? '',
    ...(tokenKeys && { tokenKeys }),
    ...(confirmationQueueUrl && { confirmationQueueUrl }),
    subscribeRatePerMinute: Math.floor(positive('subscribeRatePerMinute')),
    ...(partnerSecret !== undefined && { partnerSecret }),
    ...(webhookSecret !== undefined && { webhookSecret }),
    softBounceThreshold: Math.floor(positive('softBounceThreshold')),
    endpoints: readEndpoints(env, problems),
    ...(logFile && { logFile }),
  };
  if (problems.length) throw new ConfigError(`invalid function environment:\n  - ${problems.join('\n  - ')}`);
  return config;
}

/** BROADSHEET_CONFIG holds the publication's JSON configuration; without it the built-in defaults apply. */
function checkedPublication(raw: string | undefined, problems: string[]): Config {
  if (!raw) return loadConfig();
  try {
    return configFrom(JSON.parse(raw), RUNTIME_ENV.publication);
  } catch (err) {
    problems.push(`${RUNTIME_ENV.publication}: ${(err as Error).message}`);
    return loadConfig();
  }
}

/**
 * BROADSHEET_CONFIG as the stack writes it: the whole configuration, checked when the stack was synthesized
 * (readSettings in infra/settings.ts), so a function takes it as written. Checking it again at every cold start
 * would bundle the schema, its checker and the vocabularies into each function for a check the stack already made.
 */
function publicationAsWritten(raw: string | undefined, problems: string[]): Config {
  if (!raw) return builtInConfig();
  try {
    const value: unknown = JSON.parse(raw);
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Config;
    problems.push(`${RUNTIME_ENV.publication} must be a JSON object`);
  } catch (err) {
    problems.push(`${RUNTIME_ENV.publication} must be JSON: ${(err as Error).message}`);
  }
  return builtInConfig();
}

function readEndpoints(env: Env, problems: string[]): EndpointMap {
  try {
    return endpointsFromEnv(env);
  } catch (err) {
    problems.push((err as Error).message);
    return {};
  }
}

/**
 * Emulator endpoints named by BROADSHEET_LOCAL_ENDPOINTS (JSON), else none. Only tests of the Lambda entry points
 * and a desk command pointed at a local run set it; Lambda never does.
 */
export function endpointsFromEnv(env: Env = process.env): EndpointMap {
  const raw = env[RUNTIME_ENV.endpoints];
  if (!raw) return {};
  try {
    return JSON.parse(raw) as EndpointMap;
  } catch (err) {
    throw new ConfigError(`${RUNTIME_ENV.endpoints} must be JSON: ${(err as Error).message}`, { cause: err });
  }
}

/**
 * A function's runtime configuration, as Lambda starts it: the keys resolved (each of TOKEN_SECRET, TOKEN_KEYS,
 * SUBSCRIBER_ID_KEY and the partner secret when set (local runs), else the secret its `_ARN` variable names, read
 * once at cold start so no key sits in the function's environment), and the publication's configuration taken as
 * the stack wrote it (publicationAsWritten); everything else is checked as readRuntimeConfig checks it.
 */
export async function loadRuntimeConfig(
  env: Env = process.env,
  fetchSecret = fetchSecretFromExtension,
): Promise<RuntimeConfig> {
  const byArn: [EnvField, EnvField][] = [
    ['tokenSecret', 'tokenSecretArn'],
    ['tokenKeys', 'tokenKeysArn'],
    ['subscriberIdKey', 'subscriberIdKeyArn'],
    ['partnerSecret', 'partnerSecretArn'],
    ['webhookSecret', 'webhookSecretArn'],
  ];
  for (const [field, arnField] of byArn) {
    const arn = env[RUNTIME_ENV[arnField]];
    if (!env[RUNTIME_ENV[field]] && arn) env = { ...env, [RUNTIME_ENV[field]]: await fetchSecret(arn, env) };
  }
  return readEnvironment(env, publicationAsWritten);
}

/** Reads a secret through the AWS Parameters and Secrets Lambda Extension, which caches it beside the function. */
export async function fetchSecretFromExtension(secretId: string, env: Env = process.env): Promise<string> {
  const port = env.PARAMETERS_SECRETS_EXTENSION_HTTP_PORT ?? '2773';
  const response = await fetch(`http://localhost:${port}/secretsmanager/get?secretId=${encodeURIComponent(secretId)}`, {
    headers: { 'X-Aws-Parameters-Secrets-Token': env.AWS_SESSION_TOKEN ?? '' },
  });
  if (!response.ok) {
    throw new ConfigError(
      `cannot read the token secret ${secretId}: the secrets extension answered ${response.status}; check the function's role may read it`,
    );
  }
  const { SecretString } = (await response.json()) as { SecretString?: string };
  if (!SecretString) throw new ConfigError(`the token secret ${secretId} has no string value`);
  return SecretString;
}
