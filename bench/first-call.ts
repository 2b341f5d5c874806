// Measures one workload in a fresh process: module import time and the first call, as a cold Lambda sees them.
import { performance } from 'node:perf_hooks';

const which = process.argv[2];
const t0 = performance.now();
if (which === 'render') {
  const { parseSample, config } = await import('./sample.ts');
  const { renderSample } = await import('./workloads.ts');
  const t1 = performance.now();
  await renderSample(parseSample(), config);
  print(t1 - t0, performance.now() - t1);
} else if (which === 'raw-mjml') {
  const { readFileSync } = await import('node:fs');
  const mjml = readFileSync(process.argv[3]!, 'utf8');
  const { default: mjml2html } = await import('mjml');
  const t1 = performance.now();
  await mjml2html(mjml, { validationLevel: 'soft' });
  print(t1 - t0, performance.now() - t1);
} else {
  throw new Error('first-call.ts render | raw-mjml <file>');
}

function print(importMs: number, firstCallMs: number) {
  process.stdout.write(JSON.stringify({ importMs, firstCallMs }));
}
