import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** xmllint's complaints about the given files (one process for all); empty when every file is well-formed. */
export function xmllintFiles(paths: readonly string[]): string {
  if (paths.length === 0) return '';
  try {
    execFileSync('xmllint', ['--noout', '--nonet', ...paths], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * 1024 * 1024 });
    return '';
  } catch (err) {
    const { stderr, status } = err as { stderr?: string; status?: number };
    return stderr || `xmllint exited with status ${status}`;
  }
}

/** xmllint's complaints about each document, in order: '' for a well-formed one. */
export function xmllintTexts(texts: readonly string[]): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'broadsheet-xmllint-'));
  try {
    const paths = texts.map((text, n) => {
      const path = join(dir, `doc-${n}.xml`);
      writeFileSync(path, text);
      return path;
    });
    const all = xmllintFiles(paths);
    return paths.map((path) => (all ? all.split('\n').filter((line) => line.startsWith(`${path}:`)).join('\n') : ''));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function xmllintText(text: string): string {
  return xmllintTexts([text])[0]!;
}
