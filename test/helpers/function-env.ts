/** The variables every function needs besides its keys, as the stack sets them (names as runtime-config.ts reads). */
export const FUNCTION_ENV = {
  EDITORIALS_BUCKET: 'editorials',
  PUBLIC_BUCKET: 'site',
  SUBSCRIBERS_TABLE: 'subscribers',
  LEDGER_TABLE: 'ledger',
  DISPATCH_QUEUE_URL: 'http://127.0.0.1:1/queue/dispatch',
} as const;

/**
 * Sets `vars` in process.env and returns what puts each of them back as it was (unset, or its value). Files of a
 * worker share its process: one that leaves a variable set (a queue URL, an endpoint) changes what the next file's
 * functions read at their cold start.
 */
export function setEnv(vars: Record<string, string>): () => void {
  const before = Object.fromEntries(Object.keys(vars).map((name) => [name, process.env[name]]));
  Object.assign(process.env, vars);
  return () => {
    for (const [name, value] of Object.entries(before)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  };
}
