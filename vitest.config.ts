import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    reporters: ['default', './test/reporters/summary.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // CommonJS default exports (mjml, s3rver, aws-ses-v2-local) must resolve the same way as under Node.
    deps: { interopDefault: false },
  },
});
