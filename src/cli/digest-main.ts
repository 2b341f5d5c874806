import type { StackOutputs } from '../app/desk-runtime.ts';
import { ConfigError } from '../config.ts';
import { BroadsheetError } from '../errors.ts';
import { DIGEST_USAGE, runDigestCommand, type DigestCommandIo } from './digest.ts';
import { cannotReach } from './dispatch-main.ts';
import { UsageError } from './errors.ts';

type Env = Record<string, string | undefined>;

/**
 * `broadsheet digest ...` against the desk's stack (deployed, or a local run's desk.env): a usage error is exit
 * status 2 with the usage, anything that keeps it from acting one sentence and exit status 1.
 */
export async function digestMain(
  argv: string[],
  env: Env,
  options: { io?: Partial<DigestCommandIo>; outputs?: StackOutputs } = {},
): Promise<number> {
  const io: DigestCommandIo = {
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
    now: () => new Date(),
    ...options.io,
  };
  // Loaded once the arguments are checked, so the usage and the help never load the AWS SDK.
  const runtimeModule = () => import('../app/desk-runtime.ts');
  const connect = async (chosen: { stack?: string; configFile?: string }) => {
    const [{ deskRuntime }, { digestDeskDeps }] = await Promise.all([runtimeModule(), import('../app/digest-desk.ts')]);
    const runtime = await deskRuntime(env, { ...chosen, ...(options.outputs && { outputs: options.outputs }) });
    return digestDeskDeps(runtime);
  };
  const { deskPublication } = await runtimeModule();
  try {
    return await runDigestCommand(argv, connect, (file) => deskPublication(env, file), io);
  } catch (err) {
    if (err instanceof UsageError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      io.err(`broadsheet digest: ${(err as Error).message}\n\n${DIGEST_USAGE}`);
      return 2;
    }
    if (err instanceof ConfigError) {
      io.err(`broadsheet digest: ${err.message}`);
      return 2;
    }
    io.err(`broadsheet digest: ${err instanceof BroadsheetError ? err.message : cannotReach(err)}`);
    return 1;
  }
}
