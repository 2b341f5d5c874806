import { nearestName } from './nearest-name.ts';

/*
 * A JSON Schema (draft 2020-12) checker for the subset broadsheet.config.schema.json uses, and nothing more.
 * Why not ajv: this module is bundled (esbuild) into every Lambda function with the configuration, and ajv with
 * ajv-formats is about 145 KB minified, loaded and compiling the schema on every cold start. ajv's standalone code
 * generation avoids the compiler, but adds a generated file to keep in step with the schema and still brings ajv's
 * runtime helpers and format checks; its messages would need rewording too. This walker is a couple of hundred lines
 * with no dependency, and refuses a schema that uses a keyword, pattern or format it does not implement, so a rule
 * added to the schema is never silently left unenforced. test/unit/config-schema.test.ts holds it to ajv on the same file.
 */

export interface JsonSchema {
  $schema?: string;
  $ref?: string;
  $defs?: Record<string, JsonSchema>;
  title?: string;
  description?: string;
  default?: unknown;
  /** The problem in plain words ("must be an email address"), used instead of the generic one for this value. */
  errorMessage?: string;
  type?: 'object' | 'array' | 'string' | 'integer' | 'number' | 'boolean';
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  propertyNames?: JsonSchema;
  items?: JsonSchema;
  minItems?: number;
  uniqueItems?: boolean;
  enum?: unknown[];
  minimum?: number;
  exclusiveMinimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  format?: string;
}

export interface SchemaProblem {
  /** Where, as `partners[0].webhook` (empty for the document itself). */
  path: string;
  /** What is wrong, to follow the path: `must be an https:// URL`. */
  message: string;
}

export interface SchemaCheckOptions {
  /** The schema's patterns, compiled from literals (so that the regular expression audit sees each one), by source. */
  patterns: ReadonlyMap<string, RegExp>;
  /** A test per `format` the schema names. */
  formats: Readonly<Record<string, (value: string) => boolean>>;
}

const KEYWORDS = new Set([
  '$schema',
  '$ref',
  '$defs',
  'title',
  'description',
  'default',
  'errorMessage',
  'type',
  'properties',
  'required',
  'additionalProperties',
  'propertyNames',
  'items',
  'minItems',
  'uniqueItems',
  'enum',
  'minimum',
  'exclusiveMinimum',
  'maximum',
  'minLength',
  'maxLength',
  'pattern',
  'format',
]);

const TYPE_WORDS: Record<NonNullable<JsonSchema['type']>, string> = {
  object: 'must be an object',
  array: 'must be an array',
  string: 'must be a string',
  integer: 'must be a whole number',
  number: 'must be a number',
  boolean: 'must be true or false',
};

/**
 * Every problem of `value` by `schema`, in document order. Absent properties that have a `default` are filled in,
 * as ajv's `useDefaults` does; a property whose value is `undefined` counts as absent.
 */
export function schemaProblems(value: unknown, schema: JsonSchema, options: SchemaCheckOptions): SchemaProblem[] {
  const problems: SchemaProblem[] = [];
  walk(value, schema, '', { ...options, root: schema, problems });
  return problems;
}

interface Walk extends SchemaCheckOptions {
  root: JsonSchema;
  problems: SchemaProblem[];
}

function walk(value: unknown, schema: JsonSchema, path: string, at: Walk): void {
  const node = resolved(schema, at.root);
  const problem = valueProblem(value, node, at);
  if (problem !== undefined) at.problems.push({ path, message: problem });
  else if (isObject(value)) objectProblems(value, node, path, at);
  else if (Array.isArray(value)) arrayProblems(value, node, path, at);
}

/** What is wrong with the value itself (its type, size, form or range): one problem at most. */
function valueProblem(value: unknown, node: JsonSchema, at: Walk): string | undefined {
  const says = (generic: string) => node.errorMessage ?? generic;
  if (node.type !== undefined && !hasType(value, node.type)) return says(TYPE_WORDS[node.type]);
  if (node.enum && !node.enum.some((allowed) => sameJson(allowed, value))) {
    return `${JSON.stringify(value)} ${says(`is not one of ${node.enum.map((v) => JSON.stringify(v)).join(', ')}`)}`;
  }
  if (typeof value === 'string') {
    const length = [...value].length;
    const { minLength, maxLength } = node;
    if (minLength !== undefined && length < minLength) return says(`must be at least ${minLength} characters`);
    if (maxLength !== undefined && length > maxLength) return says(`must be at most ${maxLength} characters`);
    if (node.pattern !== undefined && !compiled(node.pattern, at).test(value))
      return says(`must match ${node.pattern}`);
    if (node.format !== undefined && !formatTest(node.format, at)(value)) return says(`must be a valid ${node.format}`);
  }
  if (typeof value === 'number') {
    if (node.minimum !== undefined && value < node.minimum) return says(`must be at least ${node.minimum}`);
    const above = node.exclusiveMinimum;
    if (above !== undefined && value <= above) return says(`must be above ${above}`);
    if (node.maximum !== undefined && value > node.maximum) return says(`must be at most ${node.maximum}`);
  }
  if (Array.isArray(value) && node.minItems !== undefined && value.length < node.minItems) {
    return says(`must list at least ${node.minItems}`);
  }
  return undefined;
}

function objectProblems(value: Record<string, unknown>, node: JsonSchema, path: string, at: Walk): void {
  const properties = node.properties ?? {};
  for (const key of node.required ?? []) {
    if (value[key] === undefined) at.problems.push({ path: join(path, key), message: missing(properties[key], at) });
  }
  for (const [key, child] of Object.entries(value)) {
    if (child === undefined) continue;
    if (node.propertyNames) {
      const problem = valueProblem(key, resolved(node.propertyNames, at.root), at);
      if (problem !== undefined) at.problems.push({ path, message: `key ${JSON.stringify(key)} ${problem}` });
    }
    const known = Object.hasOwn(properties, key) ? properties[key] : undefined;
    const others = node.additionalProperties;
    if (known) walk(child, known, join(path, key), at);
    else if (others === false) at.problems.push({ path: join(path, key), message: unknownKey(key, node) });
    else if (typeof others === 'object') walk(child, others, join(path, key), at);
  }
  for (const [key, property] of Object.entries(properties)) {
    const fallback = resolved(property, at.root).default;
    if (value[key] === undefined && fallback !== undefined) value[key] = structuredClone(fallback);
  }
}

function arrayProblems(value: unknown[], node: JsonSchema, path: string, at: Walk): void {
  if (node.uniqueItems) {
    const seen = new Set<string>();
    const twice = new Set<string>();
    for (const item of value) {
      const key = JSON.stringify(item);
      if (seen.has(key) && !twice.has(key)) at.problems.push({ path, message: `lists ${key} twice` });
      (seen.has(key) ? twice : seen).add(key);
    }
  }
  if (node.items) for (const [n, item] of value.entries()) walk(item, node.items, `${path}[${n}]`, at);
}

/** An absent required property: what it must be, when the schema says so in words. */
function missing(property: JsonSchema | undefined, at: Walk): string {
  return (property && resolved(property, at.root).errorMessage) ?? 'is missing';
}

/** An object's `title` names its fields ("is not a partner field"); elsewhere a key is a setting. */
function unknownKey(key: string, node: JsonSchema): string {
  const known = Object.keys(node.properties ?? {});
  const what = node.title ? `a ${node.title} field` : 'a known setting';
  const near = nearestName(key, known);
  if (near === undefined) return `is not ${what} (${known.join(', ')})`;
  return `is not ${what}; did you mean ${JSON.stringify(near)}?`;
}

/** The node with its `$ref` (to `#/$defs/...`) laid under it: the node's own keywords win. */
function resolved(schema: JsonSchema, root: JsonSchema): JsonSchema {
  for (const keyword of Object.keys(schema)) {
    if (!KEYWORDS.has(keyword))
      throw new Error(`schema keyword "${keyword}" is not one the configuration checker knows`);
  }
  if (schema.$ref === undefined) return schema;
  const name = schema.$ref.startsWith('#/$defs/') ? schema.$ref.slice('#/$defs/'.length) : undefined;
  const target = name === undefined ? undefined : root.$defs?.[name];
  if (!target) throw new Error(`schema reference "${schema.$ref}" is not one of #/$defs`);
  const { $ref: _, ...own } = schema;
  return { ...resolved(target, root), ...own };
}

function compiled(pattern: string, at: Walk): RegExp {
  const regex = at.patterns.get(pattern);
  if (!regex) throw new Error(`schema pattern ${JSON.stringify(pattern)} has no literal among the checker's patterns`);
  return regex;
}

function formatTest(format: string, at: Walk): (value: string) => boolean {
  const test = at.formats[format];
  if (!test) throw new Error(`schema format "${format}" is not implemented by the configuration checker`);
  return test;
}

function hasType(value: unknown, type: NonNullable<JsonSchema['type']>): boolean {
  switch (type) {
    case 'object':
      return isObject(value);
    case 'array':
      return Array.isArray(value);
    case 'integer':
      return Number.isInteger(value);
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    default:
      return typeof value === type;
  }
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function join(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
