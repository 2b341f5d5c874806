import type { EndpointMap } from '../adapters/aws-clients.ts';
import { ConfigError, configFrom, loadConfig, type Config } from '../config.ts';
import { MIN_PARTNER_SECRET_LENGTH } from '../partners/paths.ts';

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
  /** The SES account's maximum send rate, messages per second, shared by all workers. */
  sendRatePerSecond: number;
  /** The dispatch worker's reserved concurrency: each worker takes sendRatePerSecond / workerConcurrency. */
  workerConcurrency: number;
  shardSize: number;
  configurationSet?: string;
  /** Key for the HMAC that signs confirm and unsubscribe tokens. */
  tokenSecret: string;
  /** Key for the HMAC of partner feed paths (src/partners/paths.ts); the development secret when absent. */
  partnerSecret?: string;
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
} as const;

/** The environment variable behind each field: the CDK stack writes them, the functions read them. */
export const RUNTIME_ENV = {
  publication: 'BROADSHEET_CONFIG',
  editorialsBucket: 'EDITORIALS_BUCKET',
  publicBucket: 'PUBLIC_BUCKET',
  subscribersTable: 'SUBSCRIBERS_TABLE',
  ledgerTable: 'LEDGER_TABLE',
  dispatchQueueUrl: 'DISPATCH_QUEUE_URL',
  webhookQueueUrl: 'WEBHOOK_QUEUE_URL',
  sendRatePerSecond: 'SEND_RATE_PER_SECOND',
  workerConcurrency: 'WORKER_CONCURRENCY',
  shardSize: 'SHARD_SIZE',
  configurationSet: 'CONFIGURATION_SET',
  tokenSecret: 'TOKEN_SECRET',
  /** In AWS the key itself stays in Secrets Manager; the function reads it by this ARN at cold start. */
  tokenSecretArn: 'TOKEN_SECRET_ARN',
  partnerSecret: 'BROADSHEET_PARTNER_SECRET',
  /** In AWS the partner secret stays in Secrets Manager too, read by this ARN at cold start. */
  partnerSecretArn: 'BROADSHEET_PARTNER_SECRET_ARN',
  softBounceThreshold: 'SOFT_BOUNCE_THRESHOLD',
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

export function readRuntimeConfig(env: Env = process.env): RuntimeConfig {
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
  const publication = readPublication(env, problems);
  const tokenSecret = required('tokenSecret');
  if (tokenSecret && tokenSecret.length < 32) problems.push(`${RUNTIME_ENV.tokenSecret} must be at least 32 characters`);
  const partnerSecret = env[RUNTIME_ENV.partnerSecret];
  if (partnerSecret !== undefined && [...partnerSecret].length < MIN_PARTNER_SECRET_LENGTH) {
    problems.push(`${RUNTIME_ENV.partnerSecret} must be at least ${MIN_PARTNER_SECRET_LENGTH} characters`);
  }
  const configurationSet = env[RUNTIME_ENV.configurationSet]?.trim();
  const logFile = env[RUNTIME_ENV.logFile]?.trim();
  const webhookQueueUrl = env[RUNTIME_ENV.webhookQueueUrl]?.trim();
  const config: RuntimeConfig = {
    publication,
    editorialsBucket: required('editorialsBucket'),
    publicBucket: required('publicBucket'),
    subscribersTable: required('subscribersTable'),
    ledgerTable: required('ledgerTable'),
    dispatchQueueUrl: required('dispatchQueueUrl'),
    ...(webhookQueueUrl && { webhookQueueUrl }),
    sendRatePerSecond: positive('sendRatePerSecond'),
    workerConcurrency: Math.floor(positive('workerConcurrency')),
    shardSize: Math.floor(positive('shardSize')),
    ...(configurationSet && { configurationSet }),
    tokenSecret,
    ...(partnerSecret !== undefined && { partnerSecret }),
    softBounceThreshold: Math.floor(positive('softBounceThreshold')),
    endpoints: readEndpoints(env, problems),
    ...(logFile && { logFile }),
  };
  if (problems.length) throw new ConfigError(`invalid function environment:\n  - ${problems.join('\n  - ')}`);
  return config;
}

/** BROADSHEET_CONFIG holds the publication's JSON configuration; without it the built-in defaults apply. */
function readPublication(env: Env, problems: string[]): Config {
  const raw = env[RUNTIME_ENV.publication];
  if (!raw) return loadConfig();
  try {
    return configFrom(JSON.parse(raw), RUNTIME_ENV.publication);
  } catch (err) {
    problems.push(`${RUNTIME_ENV.publication}: ${(err as Error).message}`);
    return loadConfig();
  }
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
    throw new ConfigError(`${RUNTIME_ENV.endpoints} must be JSON: ${(err as Error).message}`);
  }
}

/**
 * The runtime configuration with the token secret resolved: TOKEN_SECRET when set (local runs), else the secret
 * named by TOKEN_SECRET_ARN, read once at cold start so the key never sits in the function's environment.
 */
export async function loadRuntimeConfig(env: Env = process.env, fetchSecret = fetchSecretFromExtension): Promise<RuntimeConfig> {
  const arn = env[RUNTIME_ENV.tokenSecretArn];
  if (!env[RUNTIME_ENV.tokenSecret] && arn) env = { ...env, [RUNTIME_ENV.tokenSecret]: await fetchSecret(arn, env) };
  const partnerArn = env[RUNTIME_ENV.partnerSecretArn];
  if (!env[RUNTIME_ENV.partnerSecret] && partnerArn) env = { ...env, [RUNTIME_ENV.partnerSecret]: await fetchSecret(partnerArn, env) };
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
