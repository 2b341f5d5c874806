import { ConfigError, configFrom, loadConfig, type Config } from '../config.ts';
import { endpointsFromEnv, RUNTIME_ENV, type RuntimeConfig } from './runtime-config.ts';

type Env = Record<string, string | undefined>;

/**
 * Where the desk's commands act: the deployed stack's buckets, tables and queue, or a local run's. A desk never
 * copies names by hand: against AWS they come from the stacks' CloudFormation outputs; against `npm start -- --serve`
 * from `<out>/desk.env`, which names the emulators in the variables the functions themselves read.
 */
export type DeskRuntime = Pick<
  RuntimeConfig,
  | 'publication'
  | 'editorialsBucket'
  | 'publicBucket'
  | 'subscribersTable'
  | 'ledgerTable'
  | 'dispatchQueueUrl'
  | 'configurationSet'
  | 'endpoints'
> & {
  /** The subscriber id key: only a local run's desk.env gives it (in AWS it stays in Secrets Manager). */
  tokenSecret?: string;
  /** Said in errors and reports: "the local run" or "stack Broadsheet". */
  where: string;
};

/** The stack prefix `cdk deploy` uses unless told otherwise (infra/broadsheet.ts). */
export const DEFAULT_STACK_PREFIX = 'Broadsheet';
/** Names the stack prefix when `--stack` is not given. */
export const STACK_ENV = 'BROADSHEET_STACK';

/** Output keys of the data stack (`<prefix>Data`) and the pipeline stack (`<prefix>Pipeline`) the desk reads. */
export const DESK_OUTPUTS = {
  data: {
    editorialsBucket: 'EditorialsBucketName',
    publicBucket: 'SiteBucketName',
    subscribersTable: 'SubscribersTableName',
    ledgerTable: 'LedgerTableName',
    configurationSet: 'ConfigurationSetName',
  },
  pipeline: { dispatchQueueUrl: 'DispatchQueueUrl' },
} as const;

export type StackOutputs = (stackName: string) => Promise<Record<string, string>>;

export interface DeskOptions {
  /** `--stack <prefix>`. */
  stack?: string;
  /** `--config <file>`: the publication, when the environment names none. */
  configFile?: string;
  /** Reads a deployed stack's outputs (src/adapters/stack-outputs.ts); loaded only when needed. */
  outputs?: StackOutputs;
}

/** A local run when the environment names emulator endpoints (desk.env sourced), else the deployed stack. */
export async function deskRuntime(env: Env, options: DeskOptions = {}): Promise<DeskRuntime> {
  const publication = deskPublication(env, options.configFile);
  if (env[RUNTIME_ENV.endpoints] && options.stack === undefined) return localDesk(env, publication);
  const prefix = options.stack ?? env[STACK_ENV]?.trim() ?? DEFAULT_STACK_PREFIX;
  const outputs = options.outputs ?? (await import('../adapters/stack-outputs.ts')).readStackOutputs;
  const [data, pipeline] = await Promise.all([outputs(`${prefix}Data`), outputs(`${prefix}Pipeline`)]);
  const missing: string[] = [];
  const need = (from: Record<string, string>, stack: string, key: string): string => {
    const value = from[key];
    if (!value) missing.push(`${stack}.${key}`);
    return value ?? '';
  };
  const runtime: DeskRuntime = {
    publication,
    editorialsBucket: need(data, `${prefix}Data`, DESK_OUTPUTS.data.editorialsBucket),
    publicBucket: need(data, `${prefix}Data`, DESK_OUTPUTS.data.publicBucket),
    subscribersTable: need(data, `${prefix}Data`, DESK_OUTPUTS.data.subscribersTable),
    ledgerTable: need(data, `${prefix}Data`, DESK_OUTPUTS.data.ledgerTable),
    dispatchQueueUrl: need(pipeline, `${prefix}Pipeline`, DESK_OUTPUTS.pipeline.dispatchQueueUrl),
    ...(data[DESK_OUTPUTS.data.configurationSet] && { configurationSet: data[DESK_OUTPUTS.data.configurationSet] }),
    endpoints: {},
    where: `stack ${prefix}`,
  };
  if (missing.length) {
    throw new ConfigError(
      `the deployed stack lacks the outputs ${missing.join(', ')}: deploy this version with npx cdk deploy --all, then try again`,
    );
  }
  return runtime;
}

function localDesk(env: Env, publication: Config): DeskRuntime {
  const missing: string[] = [];
  const need = (name: string): string => {
    const value = env[name]?.trim();
    if (!value) missing.push(name);
    return value ?? '';
  };
  const runtime: DeskRuntime = {
    publication,
    editorialsBucket: need(RUNTIME_ENV.editorialsBucket),
    publicBucket: need(RUNTIME_ENV.publicBucket),
    subscribersTable: need(RUNTIME_ENV.subscribersTable),
    ledgerTable: need(RUNTIME_ENV.ledgerTable),
    dispatchQueueUrl: need(RUNTIME_ENV.dispatchQueueUrl),
    ...(env[RUNTIME_ENV.configurationSet]?.trim() && { configurationSet: env[RUNTIME_ENV.configurationSet]!.trim() }),
    ...(env[RUNTIME_ENV.tokenSecret]?.trim() && { tokenSecret: env[RUNTIME_ENV.tokenSecret]!.trim() }),
    endpoints: endpointsFromEnv(env),
    where: 'the local run',
  };
  if (missing.length) {
    throw new ConfigError(
      `${RUNTIME_ENV.endpoints} names a local run, but ${missing.join(', ')} ${missing.length > 1 ? 'are' : 'is'} not set: source the desk.env that npm start -- --serve printed`,
    );
  }
  return runtime;
}

/** BROADSHEET_CONFIG (a local run's publication, with its local site URL), else `--config`, else the project's. */
export function deskPublication(env: Env, configFile?: string): Config {
  const raw = env[RUNTIME_ENV.publication];
  if (raw && configFile === undefined) {
    try {
      return configFrom(JSON.parse(raw), RUNTIME_ENV.publication);
    } catch (err) {
      throw new ConfigError(`${RUNTIME_ENV.publication}: ${(err as Error).message}`, { cause: err });
    }
  }
  return loadConfig(configFile);
}

/** desk.env: `KEY='value'` lines a POSIX shell can source, naming a local run as deskRuntime reads it. */
export function deskEnvFile(values: Record<string, string>): string {
  const quote = (value: string) => `'${value.replace(/'/g, `'\\''`)}'`;
  const lines = Object.entries(values).map(([key, value]) => `${key}=${quote(value)}`);
  // Plain assignments, then one export line, so the commands a sourcing shell starts see them too.
  return [
    '# Broadsheet desk for a local run: . ./desk.env, then npx broadsheet dispatch list (or check, proof, approve, ...)',
    ...lines,
    `export ${Object.keys(values).join(' ')}`,
    '',
  ].join('\n');
}
