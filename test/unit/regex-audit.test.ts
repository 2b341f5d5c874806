// Every regular expression in src/ and infra/ runs in linear time: recheck (a ReDoS checker that analyses the
// pattern's automaton) finds no super-linear backtracking in any of them. A new pattern that could stall the
// publish function on one hostile line fails here, naming the file and line, before any input finds it.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { checkSync } from 'recheck';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return files(path);
    return path.endsWith('.ts') && !path.endsWith('.d.ts') ? [path] : [];
  });
}

interface Pattern {
  where: string;
  source: string;
  flags: string;
}

/** Every regular expression literal, and every `new RegExp` whose pattern is a string or template literal. */
function patterns(): Pattern[] {
  const found: Pattern[] = [];
  for (const file of [...files(join(ROOT, 'src')), ...files(join(ROOT, 'infra'))]) {
    // Comments hold no pattern that runs: their JSDoc is not parsed, and nodes are read through the source file.
    const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), {
      languageVersion: ts.ScriptTarget.Latest,
      jsDocParsingMode: ts.JSDocParsingMode.ParseNone,
    });
    const where = (node: ts.Node) =>
      `${relative(ROOT, file)}:${source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1}`;
    const visit = (node: ts.Node) => {
      if (node.kind === ts.SyntaxKind.RegularExpressionLiteral) {
        const text = node.getText(source);
        const slash = text.lastIndexOf('/');
        found.push({ where: where(node), source: text.slice(1, slash), flags: text.slice(slash + 1) });
      }
      if (ts.isNewExpression(node) && node.expression.getText(source) === 'RegExp') {
        const [pattern, flags] = node.arguments ?? [];
        // A pattern built at run time is checked with its parts replaced by a plain word (they are escaped).
        const text =
          pattern && (ts.isStringLiteral(pattern) || ts.isNoSubstitutionTemplateLiteral(pattern))
            ? pattern.text
            : pattern && ts.isTemplateExpression(pattern)
              ? pattern.head.text + pattern.templateSpans.map((span) => `word${span.literal.text}`).join('')
              : undefined;
        expect(
          text,
          `${where(node)}: a RegExp built from something other than a literal cannot be checked`,
        ).toBeDefined();
        found.push({ where: where(node), source: text!, flags: flags && ts.isStringLiteral(flags) ? flags.text : '' });
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return found;
}

describe('regular expressions', () => {
  const all = patterns();

  it('finds the patterns it checks', () => {
    expect(all.length).toBeGreaterThan(100);
    expect(all.map((p) => p.where)).toContainEqual(expect.stringMatching(/^src\/parse\/markdown\.ts:/));
  });

  it('backtrack in linear time at most, every one of them', () => {
    // A pattern written in several places has one automaton: it is checked once, and its result stands for each place.
    const checked = new Map<string, ReturnType<typeof checkSync>>();
    const check = (source: string, flags: string) => {
      const key = `${flags}/${source}`;
      if (!checked.has(key)) checked.set(key, checkSync(source, flags, { timeout: 10_000 }));
      return checked.get(key)!;
    };
    const unsafe = all
      // g and y change where matching starts, not how a match backtracks.
      .map((p) => ({ ...p, result: check(p.source, p.flags.replace(/[gy]/g, '')) }))
      .filter(({ result }) => result.status !== 'safe')
      .map(
        ({ where, source, result }) =>
          `${where} /${source}/: ${result.status}${'complexity' in result && result.complexity ? ` (${result.complexity.summary})` : ''}`,
      );
    expect(unsafe).toEqual([]);
  }, 120_000);
});
