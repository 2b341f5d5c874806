import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { validateXML } from 'xmllint-wasm';

/*
 * libxml2's own parser, as xmllint runs it, compiled to WebAssembly and shipped inside the npm package: the
 * same independent well-formedness check on every machine, with nothing installed beside Node.
 */

/** xmllint's complaints about each document, in order: '' for a well-formed one. */
export async function xmllintTexts(texts: readonly string[]): Promise<string[]> {
  if (texts.length === 0) return [];
  const names = texts.map((_, n) => `doc-${n}.xml`);
  const result = await validateXML({
    xml: texts.map((contents, n) => ({ fileName: names[n]!, contents })),
    // No schema: parse only, never fetch anything, and print no tree (the normalisation asked for is dropped here).
    normalization: 'format',
    modifyArguments: () => ['--noout', '--nonet', ...names],
    maxMemoryPages: 4096,
  }).catch((err: { message?: string }) => ({ valid: false, errors: [], rawOutput: err.message ?? String(err) }));
  if (result.valid) return texts.map(() => '');
  const lines = result.rawOutput.split('\n');
  return names.map((name) => lines.filter((line) => line.startsWith(`${name}:`)).join('\n'));
}

export async function xmllintText(text: string): Promise<string> {
  return (await xmllintTexts([text]))[0]!;
}

/** xmllint's complaints about the given files, each named by its file name; empty when every file is well-formed. */
export async function xmllintFiles(paths: readonly string[]): Promise<string> {
  const texts = await Promise.all(paths.map((path) => readFile(path, 'utf8')));
  const problems = await xmllintTexts(texts);
  return problems
    .map((problem, n) => problem.replaceAll(`doc-${n}.xml`, basename(paths[n]!)))
    .filter(Boolean)
    .join('\n');
}
