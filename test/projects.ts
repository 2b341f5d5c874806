/*
 * Which test file runs in which vitest project (vitest.config.ts). A file belongs in integration when it starts
 * something: the emulators (test/helpers/emulators.ts, src/local/), a child process (the CLI, `npm start`,
 * esbuild), or the CDK synthesis. test/projects.test.ts holds every file to that rule, so the split stays true
 * as files are added: `npm run test:unit` starts no server and no process.
 */
export const BROWSER = ['test/**/*.browser.test.ts'];

export const INTEGRATION = [
  'test/adapters.test.ts',
  'test/cli.test.ts',
  'test/dispatch.test.ts',
  'test/dispatch-faults.test.ts',
  'test/dispatch-stop.test.ts',
  'test/dispatch-pause.test.ts',
  'test/dispatch-units.test.ts',
  'test/http.test.ts',
  'test/http-*.test.ts',
  'test/i18n-subscribe.test.ts',
  'test/infra.test.ts',
  'test/infra-*.test.ts',
  'test/key-value-table.contract.test.ts',
  'test/object-store.contract.test.ts',
  'test/partner-webhooks.test.ts',
  'test/partner-webhooks-units.test.ts',
  'test/outbound-http.test.ts',
  'test/partners-registry*.test.ts',
  'test/publish.test.ts',
  'test/publish-*.test.ts',
  'test/runtime-config.test.ts',
  'test/subscribers-csv.test.ts',
  'test/subscribers-flows.test.ts',
  'test/subscriber-preferences.test.ts',
  'test/subscriber-link-binding.test.ts',
  'test/subscribe-abuse.test.ts',
  'test/websub-hub.test.ts',
  'test/local/*.test.ts',
];

/** Imports that mean a test file starts a server, a process or a synthesis. */
export const STARTS_SOMETHING = [
  /from '(?:\.\.?\/)+helpers\/emulators\.ts'/,
  /from '(?:\.\.\/)+src\/local\/[^']+'/,
  /from '\.\/dispatch-harness\.ts'/,
  /from 'node:child_process'/,
  /import \{[^}]*\bcreateServer\b[^}]*\} from 'node:http'/,
  /from '(?:\.\.\/)+infra\/synth\.ts'/,
];

/** Whether a repository path matches one of the patterns above (`*` within a folder, `**\/` across folders). */
export function matches(path: string, patterns: readonly string[]): boolean {
  return patterns.some((pattern) => {
    const source = pattern
      .split(/(\*\*\/|\*)/)
      .map((part) => (part === '**/' ? '(?:[^/]+/)*' : part === '*' ? '[^/]*' : part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')))
      .join('');
    return new RegExp(`^${source}$`).test(path);
  });
}
