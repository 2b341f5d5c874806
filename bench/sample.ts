import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../src/config.ts';
import type { Editorial } from '../src/model.ts';
import { parseEditorial } from '../src/parse/index.ts';

/** The real desk sample when it is beside the project, else the project's own plain-text sample. */
export const SAMPLE_FILE = [
  fileURLToPath(new URL('../../shared/samples/2026-06-04-kremlin-invitation.txt', import.meta.url)),
  fileURLToPath(new URL('../samples/2026-06-02-grain-corridor.txt', import.meta.url)),
].find((f) => existsSync(f))!;

export const config = loadConfig();

export function parseSample(bytes: Uint8Array = readFileSync(SAMPLE_FILE)): Editorial {
  return parse(SAMPLE_FILE.split('/').pop()!, bytes);
}

/** `date`, when given, is the publication date, as an upload time is to the publish step. */
export function parse(file: string, bytes: Uint8Array, date?: Date): Editorial {
  const result = parseEditorial(file, bytes, {
    publication: config.publication.name,
    defaultLang: config.publication.language,
    limits: config.limits,
    ...(date && { date }),
  });
  if (!result.ok) throw new Error(`${file}: ${result.rejection.reason}`);
  return result.editorial;
}

/**
 * A plain-text editorial of about `words` words, numbered so every one is distinct. Its file name carries the day
 * of `published` (by default an hour after number n - 1): editorials of one day share the file-name date, so a
 * caller wanting them apart passes `published` to `parse` as well.
 */
export function syntheticEditorial(
  n: number,
  {
    words = 600,
    published = new Date(Date.UTC(2026, 0, 1) + n * 3_600_000),
  }: { words?: number; published?: Date } = {},
): { file: string; bytes: Uint8Array; published: Date } {
  const day = published.toISOString().slice(0, 10);
  const sentence = `Dispatch ${n} weighs the wire against the record, and the record holds. `;
  const paragraphs: string[] = [];
  for (let w = 0; w < words; w += 120) paragraphs.push(sentence.repeat(10).trim());
  const text = [
    `Synthetic editorial number ${n}`,
    ...paragraphs,
    'Wire provenance',
    `- https://t.me/channel_${n % 17}`,
    `- https://example.org/wire/${n}  Example Wire ${n}`,
  ].join('\n');
  return {
    file: `${day}-synthetic-${String(n).padStart(6, '0')}.txt`,
    bytes: new TextEncoder().encode(text),
    published,
  };
}
