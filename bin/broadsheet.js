#!/usr/bin/env node
// The CLI is written in TypeScript; tsx compiles it on the fly so the same sources run everywhere.
import { register } from 'tsx/esm/api';

// The AWS SDK warns about Node 20 on every client it makes; the desk commands would print it with every answer.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
