/*
 * What makes a test file an integration test (test/unit/projects.test.ts): it starts the emulators (test/helpers/
 * emulators.ts, src/local/), a child process (the CLI, `npm start`, esbuild), a server, or the CDK synthesis.
 */

/** Imports that mean a test file starts a server, a process or a synthesis. */
export const STARTS_SOMETHING = [
  /from '(?:\.\.?\/)+helpers\/emulators\.ts'/,
  // src/local/ starts the emulators and servers; its queue poller alone is logic over the Queue port.
  /from '(?:\.\.\/)+src\/local\/(?!sqs-poller\.ts')[^']+'/,
  /from '(?:\.\.?\/)+helpers\/dispatch-harness\.ts'/,
  /from 'node:child_process'/,
  /import \{[^}]*\bcreateServer\b[^}]*\} from 'node:http'/,
  /from '(?:\.\.\/)+infra\/synth\.ts'/,
];
