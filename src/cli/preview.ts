import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Config } from '../config.ts';
import { buildSite } from './build.ts';

/** Renders one editorial into a temporary folder and prints where each output is. */
export async function preview(options: { input: string; config: Config; date?: Date }): Promise<number> {
  const out = await mkdtemp(join(tmpdir(), 'broadsheet-preview-'));
  const report = await buildSite({
    inputs: [options.input],
    out,
    config: options.config,
    date: options.date,
    stdout: () => {},
  });
  for (const { dir } of report.built) {
    for (const name of ['index.html', 'email.html', 'email.txt', 'email.eml', 'ninjs.json'])
      console.log(join(dir, name));
  }
  for (const feed of report.feeds) console.log(feed);
  return report.rejected.length ? 1 : 0;
}
