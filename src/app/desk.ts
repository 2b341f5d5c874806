import type { Mailer, ObjectStore } from '../ports.ts';
import { mailer, objectStore } from './adapters.ts';
import { deskRuntime, type DeskRuntime, type StackOutputs } from './desk-runtime.ts';

type Env = Record<string, string | undefined>;

/** What `broadsheet approve`, `withdraw` and `proof` act with: where the desk is, its editorials bucket, and SES. */
export interface DeskConnection {
  runtime: DeskRuntime;
  editorials: ObjectStore;
  mailer: Mailer;
}

export interface DeskConnectOptions {
  /** `--stack <prefix>`. */
  stack?: string;
  /** `--config <file>`. */
  configFile?: string;
  /** Reads a deployed stack's outputs; CloudFormation unless given. */
  outputs?: StackOutputs;
}

/**
 * The desk's adapters, on the local run that desk.env names or on the deployed stack. Fails with the errors of
 * deskRuntime (ConfigError) and of the stack's outputs (NoCredentialsError, StackNotFoundError); the CLI says
 * what to do about each.
 */
export async function connectDesk(env: Env, options: DeskConnectOptions = {}): Promise<DeskConnection> {
  const runtime = await deskRuntime(env, {
    ...(options.stack !== undefined && { stack: options.stack }),
    ...(options.configFile !== undefined && { configFile: options.configFile }),
    ...(options.outputs && { outputs: options.outputs }),
  });
  return { runtime, editorials: objectStore(runtime, runtime.editorialsBucket), mailer: mailer(runtime) };
}
