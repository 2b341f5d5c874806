// npm run build:email: compiles the email layout (templates/email.mjml.hbs and its partials) with mjml into
// src/render/email/layout.generated.ts, so that no render loads mjml. The MJML source stays the one place the layout
// is edited; test/unit/email-layout.test.ts fails while the generated module is older than it.
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import Handlebars from 'handlebars';
import mjml2html from 'mjml';
import { directionView, type EmailView } from '../src/render/email/content.ts';
import { fillLayout } from '../src/render/email/layout-fill.ts';
import { emailMjmlSource, emailMjmlTemplate } from '../src/render/email/template.ts';
import type { EmailLayout, LayoutPiece } from '../src/render/email/types.ts';

export const GENERATED_LAYOUT = fileURLToPath(new URL('../src/render/email/layout.generated.ts', import.meta.url));
/** The options every render passed to mjml before the layout was compiled. */
export const MJML_OPTIONS = { validationLevel: 'strict', fonts: {}, ignoreIncludes: true } as const;

const DIRECTIONS = ['ltr', 'rtl'] as const;
type Dir = (typeof DIRECTIONS)[number];
/** Fields the direction decides: written into each variant as they are, never slots. */
const DIRECTION_FIELDS = new Set(Object.keys(directionView('ltr')));

interface Usage {
  /** Slot path → whether the source writes it raw (`{{{ }}}`). */
  slots: Map<string, boolean>;
  /** Slot paths of `{{#if}}` blocks. */
  conditions: Set<string>;
}

class LayoutSourceError extends Error {
  override name = 'LayoutSourceError';
}

/** Every field the MJML source names, walking its partials; only `{{x}}`, `{{{x}}}`, `{{#if x}}` and `{{> p}}`. */
function collect(node: hbs.AST.Node, usage: Usage, partials: Record<string, string>): void {
  const plain = (path: hbs.AST.Expression, where: string): string => {
    const original = (path as hbs.AST.PathExpression).original;
    if (
      path.type !== 'PathExpression' ||
      original.startsWith('.') ||
      original.includes('/') ||
      original.startsWith('this')
    ) {
      throw new LayoutSourceError(`${where}: the email layout compiler knows plain field names only`);
    }
    return original;
  };
  switch (node.type) {
    case 'Program':
      for (const statement of (node as hbs.AST.Program).body) collect(statement, usage, partials);
      return;
    case 'ContentStatement':
    case 'CommentStatement':
      return;
    case 'MustacheStatement': {
      const mustache = node as hbs.AST.MustacheStatement;
      if (mustache.params.length || mustache.hash) throw new LayoutSourceError('the email layout calls no helper');
      const path = plain(mustache.path, 'a {{ }}');
      if (DIRECTION_FIELDS.has(path.split('.')[0]!)) return;
      const raw = !mustache.escaped;
      if (usage.slots.get(path) === !raw) throw new LayoutSourceError(`${path} is written both escaped and raw`);
      usage.slots.set(path, raw);
      return;
    }
    case 'BlockStatement': {
      const block = node as hbs.AST.BlockStatement;
      if (block.path.original !== 'if' || block.params.length !== 1 || block.inverse || block.hash) {
        throw new LayoutSourceError(
          'the email layout compiler knows {{#if field}} … {{/if}} blocks only, without {{else}}',
        );
      }
      const path = plain(block.params[0]!, '{{#if}}');
      if (!DIRECTION_FIELDS.has(path.split('.')[0]!)) usage.conditions.add(path);
      collect(block.program, usage, partials);
      return;
    }
    case 'PartialStatement': {
      const name = plain((node as hbs.AST.PartialStatement).name as hbs.AST.Expression, '{{> }}');
      const partial = partials[name];
      if (partial === undefined) throw new LayoutSourceError(`no partial templates/${name}.mjml.hbs`);
      collect(Handlebars.parse(partial), usage, partials);
      return;
    }
    default:
      throw new LayoutSourceError(`the email layout compiler does not know ${node.type}`);
  }
}

// A slot's stand-in while mjml compiles: letters and digits only, so mjml writes it as it is wherever it stands.
const SENTINEL = 'bsslot';
const sentinel = (n: number) => `${SENTINEL}${n}x`;

/** The view for direction `dir` with a stand-in in every slot, and '' in the slots of `empty`. */
function sentinelView(dir: Dir, slots: readonly string[], empty: ReadonlySet<string>): EmailView {
  const view: Record<string, unknown> = { ...directionView(dir) };
  slots.forEach((path, n) => {
    const keys = path.split('.');
    let target = view;
    for (const key of keys.slice(0, -1)) target = (target[key] ??= {}) as Record<string, unknown>;
    target[keys.at(-1)!] = empty.has(path) ? '' : sentinel(n);
  });
  return view as unknown as EmailView;
}

async function compileMjml(view: EmailView): Promise<string> {
  const result = await mjml2html(emailMjmlTemplate()(view), MJML_OPTIONS);
  if (result.errors.length) {
    throw new LayoutSourceError(
      `the email MJML is invalid:\n${result.errors.map((e) => `  - ${e.formattedMessage}`).join('\n')}`,
    );
  }
  return result.html;
}

/** One character of mjml's output, or a slot (by number): a slot is never cut in two. */
type Atom = string | number;

function atomsOf(html: string, slotCount: number): Atom[] {
  const atoms: Atom[] = [];
  let at = 0;
  for (let next = html.indexOf(SENTINEL); next !== -1; next = html.indexOf(SENTINEL, at)) {
    atoms.push(...html.slice(at, next));
    const end = html.indexOf('x', next + SENTINEL.length);
    const n = Number(html.slice(next + SENTINEL.length, end));
    if (end === -1 || !Number.isInteger(n) || n >= slotCount) {
      throw new LayoutSourceError(`mjml changed a slot's stand-in near ${html.slice(next, next + 20)}`);
    }
    atoms.push(n);
    at = end + 1;
  }
  atoms.push(...html.slice(at));
  return atoms;
}

/**
 * Whether `atoms` open and close their own tags (none closed that it did not open, none left open): of the places a
 * left-out stretch can stand, the one where it is a whole fragment of HTML reads best in the generated module.
 */
function wholeFragment(atoms: readonly Atom[]): boolean {
  const VOID = new Set(['area', 'base', 'br', 'col', 'hr', 'img', 'input', 'link', 'meta', 'source', 'wbr']);
  const text = atoms.map((a) => (typeof a === 'string' ? a : ' ')).join('');
  let depth = 0;
  for (let at = text.indexOf('<'); at !== -1; at = text.indexOf('<', at + 1)) {
    const next = text[at + 1] ?? '';
    if (next === '/') depth--;
    else if (/[a-z]/i.test(next)) {
      let end = at + 1;
      while (end < text.length && /[a-z0-9]/i.test(text[end]!)) end++;
      if (!VOID.has(text.slice(at + 1, end).toLowerCase())) depth++;
    }
    if (depth < 0) return false;
  }
  return depth === 0;
}

/** Where `without` is `all` with one stretch left out: [start, end) of `all`. */
function leftOut(all: readonly Atom[], without: readonly Atom[], condition: string): [number, number] {
  let start = 0;
  while (start < without.length && all[start] === without[start]) start++;
  let tail = 0;
  while (tail < without.length - start && all[all.length - 1 - tail] === without[without.length - 1 - tail]) tail++;
  const end = all.length - tail;
  if (start + tail !== without.length || end < start) {
    throw new LayoutSourceError(`{{#if ${condition}}} changes the email in more than one place`);
  }
  // The same stretch can stand further left wherever the atom before it equals its last one.
  let shift = 0;
  while (start - shift > 0 && end - shift > start - shift && all[start - shift - 1] === all[end - shift - 1]) shift++;
  const places = Array.from({ length: shift + 1 }, (_, n): [number, number] => [start - shift + n, end - shift + n]);
  const opensTag = ([from]: [number, number]) => all[from] === '<';
  return places.find((p) => opensTag(p) && wholeFragment(all.slice(...p))) ?? places.find(opensTag) ?? places[0]!;
}

function piecesOf(atoms: readonly Atom[], slots: readonly string[], usage: Usage): LayoutPiece[] {
  const pieces: LayoutPiece[] = [];
  let text = '';
  for (const atom of atoms) {
    if (typeof atom === 'string') {
      text += atom;
      continue;
    }
    if (text) pieces.push(text);
    text = '';
    const slot = slots[atom]!;
    pieces.push(usage.slots.get(slot) ? { slot, raw: true } : { slot });
  }
  if (text) pieces.push(text);
  return pieces;
}

/** Every subset of `items`. */
const subsets = <T>(items: readonly T[]): T[][] =>
  items.reduce<T[][]>((all, item) => all.flatMap((s) => [s, [...s, item]]), [[]]);

async function compileDirection(dir: Dir, slots: readonly string[], usage: Usage): Promise<EmailLayout> {
  const all = atomsOf(await compileMjml(sentinelView(dir, slots, new Set())), slots.length);
  const stretches: { condition: string; start: number; end: number }[] = [];
  for (const condition of usage.conditions) {
    const without = atomsOf(await compileMjml(sentinelView(dir, slots, new Set([condition]))), slots.length);
    const [start, end] = leftOut(all, without, condition);
    if (end > start) stretches.push({ condition, start, end });
  }
  stretches.sort((a, b) => a.start - b.start);
  const layout: LayoutPiece[] = [];
  let at = 0;
  for (const { condition, start, end } of stretches) {
    if (start < at) throw new LayoutSourceError(`{{#if ${condition}}} overlaps another {{#if}} in mjml's output`);
    layout.push(...piecesOf(all.slice(at, start), slots, usage));
    // biome-ignore lint/suspicious/noThenProperty: a layout piece names its condition and what it shows; never awaited.
    layout.push({ when: condition, then: piecesOf(all.slice(start, end), slots, usage) });
    at = end;
  }
  layout.push(...piecesOf(all.slice(at), slots, usage));
  // The pieces hold for every combination of the conditions, not only for each one alone.
  for (const empty of subsets([...usage.conditions])) {
    const view = sentinelView(dir, slots, new Set(empty));
    if (fillLayout(layout, view) !== (await compileMjml(view))) {
      const which = empty.join(', ') || 'no field';
      throw new LayoutSourceError(`${dir}: the compiled layout differs from mjml's output with ${which} empty`);
    }
  }
  return layout;
}

/** A string literal per line, so the generated module reads (and diffs) line by line. */
function literal(text: string, indent: string): string {
  const lines = text
    .split('\n')
    .map((line, n, all) => (n < all.length - 1 ? `${line}\n` : line))
    .filter(Boolean);
  return lines.map((line) => JSON.stringify(line)).join(` +\n${indent}  `);
}

function emitPieces(pieces: readonly LayoutPiece[], indent: string): string {
  return pieces
    .map((piece) => {
      if (typeof piece === 'string') return `${indent}${literal(piece, indent)},`;
      if ('slot' in piece) return `${indent}{ slot: ${JSON.stringify(piece.slot)}${piece.raw ? ', raw: true' : ''} },`;
      const then = emitPieces(piece.then, `${indent}    `);
      return `${indent}{\n${indent}  when: ${JSON.stringify(piece.when)},\n${indent}  then: [\n${then}\n${indent}  ],\n${indent}},`;
    })
    .join('\n');
}

/** The source of layout.generated.ts for the MJML source and the mjml installed now. */
export async function compileEmailLayout(): Promise<string> {
  const source = emailMjmlSource();
  const usage: Usage = { slots: new Map(), conditions: new Set() };
  collect(Handlebars.parse(source.main), usage, source.partials);
  const slots = [...usage.slots.keys()];
  for (const condition of usage.conditions) if (!usage.slots.has(condition)) slots.push(condition);
  const layouts: string[] = [];
  for (const dir of DIRECTIONS)
    layouts.push(`  ${dir}: [\n${emitPieces(await compileDirection(dir, slots, usage), '    ')}\n  ],`);
  const { version } = createRequire(import.meta.url)('mjml/package.json') as { version: string };
  return [
    `// Generated by \`npm run build:email\` (scripts/compile-email.ts) with mjml ${version} from templates/email.mjml.hbs and`,
    '// templates/email-*.mjml.hbs: edit those, then run it again. test/unit/email-layout.test.ts fails while this file is stale.',
    "import type { EmailLayout } from './types.ts';",
    '',
    "export const emailLayouts: Readonly<Record<'ltr' | 'rtl', EmailLayout>> = {",
    ...layouts,
    '};',
    '',
  ].join('\n');
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  writeFileSync(GENERATED_LAYOUT, await compileEmailLayout());
  process.stdout.write(`wrote ${GENERATED_LAYOUT}\n`);
}
