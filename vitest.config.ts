import { defineConfig } from 'vitest/config';
import LongestFirstSequencer from './test/helpers/longest-first.ts';

/*
 * Three projects, one folder each, each runnable alone (`npm run test:unit`, `test:integration`, `test:browser`;
 * `npm test` runs all three):
 * - test/unit: pure code, no server and no process of its own;
 * - test/integration: the real emulators started in-process (S3, SES, DynamoDB, SQS), the CLI and `npm start` as
 *   child processes, the CDK app synthesised and bundled;
 * - test/browser: headless Chromium (shipped inside an npm package) against pages and the local servers.
 * test/unit/projects.test.ts holds every file to its folder's rule. Shared code: test/helpers, test/fixtures.
 */

export default defineConfig({
  test: {
    reporters: ['default', './test/reporters/summary.ts'],
    // Three files at a time on two cores: most integration files wait on emulators, servers and child processes rather
    // than compute (measured on the 2-core machine: one at a time, vitest's default there, 391 s; three, 253 s; four,
    // 270 s).
    maxWorkers: 3,
    // The files with the longest set-up are handed out first, whichever project they are in (see the sequencer).
    sequence: { sequencer: LongestFirstSequencer },
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // CommonJS default exports (mjml, s3rver, aws-ses-v2-local) must resolve the same way as under Node.
    deps: { interopDefault: false },
    // The AWS SDK warns about Node 20 on every client; the README says which Node versions are supported.
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    projects: [
      // Unit files run without isolation: each worker imports the pure modules once for all its files instead of
      // once per file (most of the unit project's time was imports). They hold no state between files: no module
      // mock left in place (one file mocks a module for its own imports and undoes it), no globals stubbed, fake timers
      // restored by the file that installs them.
      { extends: true, test: { name: 'unit', include: ['test/unit/**/*.test.ts'], isolate: false } },
      // Integration files too: each starts its own emulators and servers on free ports and stops them, so what they
      // share is the modules (the AWS SDK, the CDK, the emulators), imported once a worker instead of once a file: a
      // quarter of the project's time. What a module keeps is safe to share: the SES emulator's mail store is emptied
      // by the first emulators a process starts, a worker's template cache is tied to its ledger, and a file that
      // changes process.env puts it back.
      {
        extends: true,
        test: { name: 'integration', include: ['test/integration/**/*.test.ts'], isolate: false },
      },
      {
        extends: true,
        test: {
          name: 'browser',
          include: ['test/browser/**/*.test.ts'],
          globalSetup: ['./test/helpers/browser-setup.ts'],
        },
      },
    ],
  },
});
