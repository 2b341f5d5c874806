import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { configFrom, loadConfig, type Config } from '../../src/config.ts';
import type { Editorial } from '../../src/model.ts';
import { parseEditorial } from '../../src/parse/index.ts';

// What the build-time compiled templates are held to their run-time compilers on (test/unit/*-equivalence.test.ts).

const ROOT = join(import.meta.dirname, '../..');
const FOLDERS = ['test/fixtures/valid', 'test/fixtures/i18n', 'test/fixtures/desk', 'samples'];

/** The project's configuration, and a publication in each language the other tests configure. */
export const EQUIVALENCE_CONFIGS: [string, Config][] = [
  ['broadsheet.config.json', loadConfig()],
  ...['en', 'fr', 'ar', 'de', 'pt-br'].map((language): [string, Config] => [
    `publication in ${language}`,
    configFrom({ publication: { language } }, 'test'),
  ]),
];

/** Every fixture and sample editorial, parsed under `config`. */
export function fixtureEditorials(config: Config): Editorial[] {
  return FOLDERS.flatMap((folder) =>
    readdirSync(join(ROOT, folder))
      .filter((file) => /\.(md|txt)$/.test(file))
      .map((file) => {
        const result = parseEditorial(file, readFileSync(join(ROOT, folder, file)), {
          publication: config.publication.name,
          defaultLang: config.publication.language,
          limits: config.limits,
        });
        if (!result.ok) throw new Error(`${folder}/${file}: ${result.rejection.reason}`);
        return result.editorial;
      }),
  );
}
