// npm test, after Biome: the type-check and the test run side by side. Most test files wait on emulators, servers
// and child processes, so the type-check's compute fits beside them on two cores instead of running first. The
// type-check's output is held and printed once the tests end, so the test run's own output reads as it always does;
// the exit status is a failure when either failed. Arguments go to vitest (`npm test -- test/unit/feeds.test.ts`).
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const bin = (name: string) => fileURLToPath(new URL(`../node_modules/.bin/${name}`, import.meta.url));

function finished(child: ChildProcess): Promise<number> {
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

const typeCheck = spawn(bin('tsc'), ['--noEmit'], { stdio: ['ignore', 'pipe', 'pipe'] });
let typeCheckOutput = '';
typeCheck.stdout.on('data', (chunk: Buffer) => (typeCheckOutput += chunk));
typeCheck.stderr.on('data', (chunk: Buffer) => (typeCheckOutput += chunk));
const tests = spawn(bin('vitest'), ['run', ...process.argv.slice(2)], { stdio: 'inherit' });

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    typeCheck.kill(signal);
    tests.kill(signal);
  });
}

const [testStatus, typeStatus] = await Promise.all([finished(tests), finished(typeCheck)]);
if (typeStatus === 0) process.stdout.write('type-check (tsc --noEmit): no errors\n');
else process.stdout.write(`\ntype-check (tsc --noEmit) failed:\n${typeCheckOutput}\n`);
process.exitCode = testStatus || typeStatus;
