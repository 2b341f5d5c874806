import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import ts from 'typescript';

const ROOT = join(import.meta.dirname, '../..');

/**
 * What `entry` (a path from the project root) loads: every project file reached through relative imports (static,
 * dynamic and re-exports), and every package or package path named on the way.
 */
export function importGraph(entry: string): { files: Set<string>; packages: Set<string> } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const visit = (file: string) => {
    if (files.has(file)) return;
    files.add(file);
    for (const { fileName } of ts.preProcessFile(readFileSync(file, 'utf8'), true, true).importedFiles) {
      if (fileName.startsWith('.')) visit(resolve(dirname(file), fileName));
      else packages.add(fileName);
    }
  };
  visit(join(ROOT, entry));
  return { files, packages };
}
