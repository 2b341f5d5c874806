// The import graph as a newcomer relies on it: one composition root (src/app), a core that knows only ports,
// handlers that only wire, and local runs that call the same factories instead of faking Lambda's environment.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const SCANNED = ['src', 'functions', 'infra', 'scripts', 'bin', 'bench'];

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return files(path);
    return /\.(ts|js)$/.test(name) && !name.endsWith('.d.ts') ? [path] : [];
  });
}

/** Every relative import (static, dynamic, re-export) of each file, as repository paths. */
const graph = new Map<string, string[]>(
  SCANNED.flatMap((top) => files(join(ROOT, top))).map((file) => {
    const info = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
    const targets = info.importedFiles.map((f) => f.fileName).filter((name) => name.startsWith('.'));
    return [relative(ROOT, file), targets.map((t) => relative(ROOT, resolve(dirname(file), t)))];
  }),
);

/** `src/pipeline/dispatch/worker.ts` → `src/pipeline`; `functions/publish.ts` → `functions`; `src/config.ts` → `src`. */
function folderOf(path: string): string {
  const parts = path.split('/');
  return parts[0] === 'src' && parts.length > 2 ? `src/${parts[1]}` : parts[0]!;
}

const folderEdges = new Map<string, Set<string>>();
for (const [file, targets] of graph) {
  for (const target of targets) {
    const [from, to] = [folderOf(file), folderOf(target)];
    if (from === to) continue;
    if (!folderEdges.has(from)) folderEdges.set(from, new Set());
    folderEdges.get(from)!.add(to);
  }
}

/**
 * One import cycle of files under src/ per group of files that reach each other, as `a.ts → b.ts → a.ts`: type
 * imports count (they tie the files' meaning together as much as values do). Files are visited in sorted order, so
 * the cycle named is the same from run to run.
 */
function fileCycles(): string[] {
  const edges = new Map(
    [...graph]
      .filter(([file]) => file.startsWith('src/'))
      .map(([file, targets]) => [file, [...new Set(targets)].filter((t) => graph.has(t)).sort()]),
  );
  const cycles: string[] = [];
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (file: string) => {
    state.set(file, 'open');
    stack.push(file);
    for (const next of edges.get(file) ?? []) {
      if (state.get(next) === 'open') cycles.push([...stack.slice(stack.indexOf(next)), next].join(' → '));
      else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(file, 'done');
  };
  for (const file of [...edges.keys()].sort()) if (!state.has(file)) visit(file);
  return cycles;
}

const importsOf = (folder: string) =>
  [...graph]
    .filter(([file]) => folderOf(file) === folder)
    .flatMap(([file, targets]) => targets.map((t) => ({ file, target: t })));

describe('the import graph', () => {
  it('has no cycle between folders', () => {
    const cycles: string[] = [];
    const walk = (node: string, path: string[]) => {
      for (const next of folderEdges.get(node) ?? []) {
        if (next === path[0]) cycles.push([...path, next].join(' → '));
        else if (!path.includes(next)) walk(next, [...path, next]);
      }
    };
    for (const folder of folderEdges.keys()) walk(folder, [folder]);
    expect(cycles).toEqual([]);
  });

  it('has no cycle between files under src/: each file imports only files that do not import it back', () => {
    expect(fileCycles()).toEqual([]);
  });

  it('keeps the core on ports: src/pipeline, src/subscribers, src/parse and src/render build no adapter and wire nothing', () => {
    const outward = ['src/adapters', 'src/app', 'src/local', 'src/cli', 'functions', 'infra'];
    for (const core of ['src/pipeline', 'src/subscribers', 'src/parse', 'src/render']) {
      const wrong = importsOf(core).filter(
        ({ target }) =>
          outward.includes(folderOf(target)) || (core !== 'src/subscribers' && folderOf(target) === 'src/http'),
      );
      expect(wrong, core).toEqual([]);
    }
  });

  it('builds the AWS adapters in one place, src/app', () => {
    // A value import of an adapter module outside src/app (types are free to travel).
    const builds =
      /^import\s+(?!type\b)[^;]*from\s+'[./]+\/adapters\/(s3-store|dynamo-table|sqs-queue|ses-mailer)\.ts'/m;
    const adapterUsers = [...graph.keys()]
      .filter((file) => !file.startsWith('src/adapters/') && !file.startsWith('src/app/'))
      .filter((file) => builds.test(readFileSync(join(ROOT, file), 'utf8')));
    expect(adapterUsers).toEqual([]);
  });

  it('runs locally through the factories: src/local imports no functions/ file and sets no environment variable', () => {
    expect(importsOf('src/local').filter(({ target }) => target.startsWith('functions/'))).toEqual([]);
    const writes = [...graph.keys()]
      .filter((file) => file.startsWith('src/'))
      .filter((file) =>
        /process\.env(\.\w+|\[[^\]]*\])\s*(=(?!=)|\?\?=|\|\|=)|Object\.assign\(\s*process\.env|delete\s+process\.env/.test(
          readFileSync(join(ROOT, file), 'utf8'),
        ),
      );
    expect(writes).toEqual([]);
  });

  it('gives every function file one line of wiring: its handler from a factory in src/app', () => {
    for (const [file, targets] of graph) {
      if (!file.startsWith('functions/')) continue;
      expect(
        targets.every((t) => t.startsWith('src/app/')),
        file,
      ).toBe(true);
      const code = readFileSync(join(ROOT, file), 'utf8')
        .split('\n')
        .filter((line) => line.trim() && !line.startsWith('//') && !line.startsWith('import '));
      expect(code, file).toEqual([
        expect.stringMatching(/^export const handler = create\w+Handler\(await loadRuntimeConfig\(\)\);$/),
      ]);
    }
  });
});
