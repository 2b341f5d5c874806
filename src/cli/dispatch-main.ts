import { BroadsheetError } from '../errors.ts';
import { ConfigError } from '../config.ts';
import type { StackOutputs } from '../app/desk-runtime.ts';
import { runDispatchCommand, type DispatchCommandIo } from './dispatch.ts';

type Env = Record<string, string | undefined>;

/**
 * `broadsheet dispatch ...` against the desk's stack: the deployed one (found from its CloudFormation outputs) or a
 * local run's desk.env. Anything that keeps it from acting is one sentence on standard error and exit status 1.
 */
export async function dispatchMain(
  argv: string[],
  env: Env,
  options: { io?: Partial<DispatchCommandIo>; outputs?: StackOutputs } = {},
): Promise<number> {
  const io: DispatchCommandIo = {
    out: (line) => process.stdout.write(`${line}\n`),
    write: (text) => process.stdout.write(text),
    err: (line) => process.stderr.write(`${line}\n`),
    tty: process.stdout.isTTY === true,
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    ...options.io,
  };
  const connect = async (stack?: string) => {
    // Loaded here, so the usage check and the help never load the AWS SDK.
    const [{ deskRuntime }, { dispatchDeskDeps }] = await Promise.all([
      import('../app/desk-runtime.ts'),
      import('../app/desk-wiring.ts'),
    ]);
    const runtime = await deskRuntime(env, {
      ...(stack !== undefined && { stack }),
      ...(options.outputs && { outputs: options.outputs }),
    });
    return dispatchDeskDeps(runtime);
  };
  try {
    return await runDispatchCommand(argv, connect, io);
  } catch (err) {
    if (err instanceof BroadsheetError && !(err instanceof ConfigError) && err.name === 'UsageError') throw err;
    if (err instanceof BroadsheetError) {
      io.err(`broadsheet dispatch: ${err.message}`);
      return 1;
    }
    io.err(`broadsheet dispatch: ${cannotReach(err)}`);
    return 1;
  }
}

/** One sentence for a failed call to the stack: what went wrong, and what to do. */
export function cannotReach(err: unknown): string {
  const name = (err as { name?: string }).name ?? '';
  const message = (err as Error)?.message ?? String(err);
  if (name === 'ResourceNotFoundException')
    return `the ledger table was not found (${message}): deploy the stack, or source the desk.env of a running local run.`;
  if (/ECONNREFUSED|fetch failed|socket hang up/i.test(message) || (err as { code?: string }).code === 'ECONNREFUSED') {
    return 'the stack does not answer: if desk.env names a local run, start it again with npm start -- --serve and source its new desk.env.';
  }
  if (/credential/i.test(message) || name === 'CredentialsProviderError')
    return 'no AWS credentials were found: set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY.';
  return `the stack could not be read: ${message}`;
}
