import { main } from '../../src/cli/main.ts';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

type Write = typeof process.stdout.write;

/**
 * Runs the command line's main function in this process, as bin/broadsheet.js does in its own: the exit status it
 * returns, and what it printed through the console or the standard streams. An error main lets through ends the
 * real process with status 1 and its stack on standard error, so it does here. Starting `node --import tsx` costs
 * about a second a command; tests about what a command does call this, and a few keep the real process to hold the
 * process boundary (exit status, streams). One run at a time: the streams are the process's own.
 */
export async function runCliInProcess(
  args: string[],
  env: Record<string, string | undefined> = process.env,
): Promise<CliRun> {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const saved = {
    out: process.stdout.write,
    err: process.stderr.write,
    log: console.log,
    info: console.info,
    error: console.error,
    warn: console.warn,
  };
  const capture = (into: string[]): Write =>
    ((chunk: string | Uint8Array) => {
      into.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
      return true;
    }) as Write;
  const line =
    (into: string[]) =>
    (...values: unknown[]) =>
      void into.push(`${values.map(String).join(' ')}\n`);
  process.stdout.write = capture(stdout);
  process.stderr.write = capture(stderr);
  console.log = line(stdout);
  console.info = line(stdout);
  console.error = line(stderr);
  console.warn = line(stderr);
  let code: number;
  try {
    code = await main(args, env);
  } catch (err) {
    stderr.push(`${(err as Error).stack ?? String(err)}\n`);
    code = 1;
  } finally {
    process.stdout.write = saved.out;
    process.stderr.write = saved.err;
    console.log = saved.log;
    console.info = saved.info;
    console.error = saved.error;
    console.warn = saved.warn;
  }
  return { code, stdout: stdout.join(''), stderr: stderr.join('') };
}
