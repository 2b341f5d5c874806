import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { CONFIG_SCHEMA, configFrom, loadConfig, PARTNER_FORMATS, type Config } from '../../src/config.ts';
import { nearestName } from '../../src/config/nearest-name.ts';
import type { JsonSchema } from '../../src/config/schema-check.ts';
import { configRefusal } from '../helpers/config-refusal.ts';

const readJson = (name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(fileURLToPath(new URL(`../../${name}`, import.meta.url)), 'utf8')) as Record<string, unknown>;
const SAMPLE = readJson('broadsheet.config.json');
const SCHEMA_FILE = readJson('broadsheet.config.schema.json');

const refusal = configRefusal;

/** ajv, the reference implementation of JSON Schema 2020-12, on the committed file as editors read it. */
function ajvValidator() {
  const ajv = new Ajv2020({ allErrors: true, strict: true });
  addFormats.default(ajv);
  // The plain-words message editors (VS Code) show; an annotation to ajv.
  ajv.addKeyword({ keyword: 'errorMessage', schemaType: 'string' });
  return ajv.compile(SCHEMA_FILE);
}

/** Config with every optional key made present, so that a key added to the type must be added here too. */
type Complete<T> = T extends (infer U)[] ? Complete<U>[] : T extends object ? { [K in keyof T]-?: Complete<T[K]> } : T;

const EVERY_KEY: Complete<Config> = {
  publication: {
    name: 'Harbour Letter',
    description: 'Letters from the harbour.',
    siteUrl: 'https://harbour.example',
    language: 'en',
  },
  sender: { name: 'Harbour Desk', address: 'desk@harbour.example', replyTo: 'letters@harbour.example' },
  postalAddress: 'Harbour Letter, 2 Quay Street, Port Town 00000',
  unsubscribe: { url: 'https://harbour.example/unsubscribe', mailto: 'unsubscribe@harbour.example' },
  rights: { copyrightHolder: 'Harbour Letter', copyrightNotice: '© Harbour Letter', usageTerms: 'Excerpts only.' },
  feeds: { limit: 20 },
  websub: { hub: 'https://hub.harbour.example/' },
  email: { clipBytes: 90000, sampleRecipient: 'reader@example.com' },
  limits: { maxEditorialBytes: 1000000, maxLineLength: 10000 },
  partners: [
    {
      id: 'wire-east',
      name: 'Wire East',
      formats: ['atom'],
      topics: ['tides'],
      usageTerms: 'In full.',
      copyrightHolder: 'Wire East',
      webhook: 'https://wire-east.example/hook',
      rotation: 1,
    },
  ],
  partnerFeeds: { tombstoneDays: 10 },
  mediaTopics: { tides: ['medtop:20000343'] },
  subscription: {
    topics: [{ name: 'tides', labels: { fr: 'Marées' } }],
    welcomeEmail: false,
    digests: { cadences: ['each', 'weekly'], hour: 18, weekday: 'friday', timeZone: 'America/New_York', maxItems: 12 },
  },
  sending: {
    autoPause: { bounceRate: 0.04, complaintRate: 0.002, minimumDeliveries: 500 },
    tracking: { opens: true, clicks: true },
  },
};

function resolve(node: JsonSchema): JsonSchema {
  if (!node.$ref) return node;
  return { ...resolve(CONFIG_SCHEMA.$defs![node.$ref.slice('#/$defs/'.length)]!), ...node, $ref: undefined };
}

/** Keys the value has that the schema does not know, and keys the schema knows that the value lacks. */
function disagreements(value: unknown, schema: JsonSchema, path: string): string[] {
  const node = resolve(schema);
  if (Array.isArray(value)) return value.flatMap((item, n) => disagreements(item, node.items!, `${path}[${n}]`));
  if (typeof value !== 'object' || value === null) return [];
  const properties = node.properties ?? {};
  const map = typeof node.additionalProperties === 'object' ? node.additionalProperties : undefined;
  const found = Object.entries(value).flatMap(([key, child]) => {
    const known = properties[key] ?? map;
    return known ? disagreements(child, known, `${path}.${key}`) : [`${path}.${key} is in Config, not in the schema`];
  });
  const absent = Object.keys(properties).filter((key) => !(key in value) && key !== '$schema');
  return [...found, ...absent.map((key) => `${path}.${key} is in the schema, not in Config`)];
}

/** Every schema node under `node`, with where it is. */
function nodes(node: JsonSchema, where: string): [string, JsonSchema][] {
  const children: [string, JsonSchema][] = [
    ...Object.entries(node.properties ?? {}).map(([key, child]): [string, JsonSchema] => [`${where}.${key}`, child]),
    ...Object.entries(node.$defs ?? {}).map(([key, child]): [string, JsonSchema] => [`${where}.$defs.${key}`, child]),
    ...(node.items ? [[`${where}[]`, node.items] as [string, JsonSchema]] : []),
    ...(typeof node.additionalProperties === 'object'
      ? [[`${where}.*`, node.additionalProperties] as [string, JsonSchema]]
      : []),
  ];
  return [[where, node], ...children.flatMap(([path, child]) => nodes(child, path))];
}

describe('the configuration schema', () => {
  it('refuses an unknown top-level key, naming the file and the setting meant', () => {
    const message = refusal({ publicaton: { name: 'Harbour Letter' } });
    expect(message).toContain('broadsheet.config.json: invalid configuration');
    expect(message).toContain('publicaton is not a known setting; did you mean "publication"?');
  });

  it('refuses a misspelt nested key with the nearest known name', () => {
    const message = refusal({
      partners: [{ id: 'wire-east', name: 'Wire East', formats: ['atom'], formatz: ['json'] }],
      sending: { tracking: { open: true } },
      subscription: { topics: [{ name: 'tides', lables: { fr: 'Marées' } }] },
    });
    expect(message).toContain('partners[0].formatz is not a partner field; did you mean "formats"?');
    expect(message).toContain('sending.tracking.open is not a known setting; did you mean "opens"?');
    expect(message).toContain('subscription.topics[0].lables is not a reader topic field; did you mean "labels"?');
  });

  it('suggests nothing for a key far from every known one, and lists those instead', () => {
    const message = refusal({ colour: 'red', email: { font: 'serif' } });
    expect(message).toContain('colour is not a known setting (');
    expect(message).toContain('email.font is not a known setting (clipBytes, sampleRecipient)');
    expect(message).not.toContain('did you mean');
  });

  it('refuses a wrong type, saying in words what it must be', () => {
    const message = refusal({
      feeds: { limit: '50' },
      sender: 'desk@harbour.example',
      sending: { autoPause: { bounceRate: '5%' } },
    });
    expect(message).toContain('feeds.limit must be a positive integer');
    expect(message).toContain('sender must be an object');
    expect(message).toContain('sending.autoPause.bounceRate must be a number above 0 and at most 1');
  });

  it('reports every problem of a file in one error', () => {
    const message = refusal({
      feeds: { limit: 0 },
      colour: 'red',
      partners: [{ id: 'w', name: 'W', formats: ['rss'], webhook: 'https://10.0.0.5/' }],
    });
    expect(message.split('\n  - ').slice(1)).toEqual([
      'feeds.limit must be a positive integer',
      'partners[0].formats[0] "rss" is not a partner format (atom, ninjs, json)',
      expect.stringContaining('colour is not a known setting'),
      expect.stringContaining('partners[0].webhook must not point at a private'),
    ]);
  });

  it('accepts "$schema" in a file, and leaves it out of the configuration', () => {
    expect(SAMPLE.$schema).toBe('./broadsheet.config.schema.json');
    const config = configFrom({ $schema: './broadsheet.config.schema.json', feeds: { limit: 5 } }, 'test');
    expect(config.feeds.limit).toBe(5);
    expect(config).not.toHaveProperty('$schema');
    expect(loadConfig()).not.toHaveProperty('$schema');
  });

  it('is the schema the loader checks by, and the sample configuration follows it', () => {
    expect(CONFIG_SCHEMA).toEqual(SCHEMA_FILE);
    const validate = ajvValidator();
    expect(validate(SAMPLE), JSON.stringify(validate.errors)).toBe(true);
    expect(loadConfig().publication.name).toBe('Monexus');
  });

  it('lists every key the Config type has, and no other', () => {
    expect(disagreements(EVERY_KEY, CONFIG_SCHEMA, 'config')).toEqual([]);
    expect(ajvValidator()(EVERY_KEY)).toBe(true);
    expect(configFrom(EVERY_KEY, 'test')).toEqual(EVERY_KEY);
    const formats = resolve(resolve(CONFIG_SCHEMA.$defs!.partner!).properties!.formats!).items!.enum;
    expect(formats).toEqual([...PARTNER_FORMATS]);
  });

  it('accepts and refuses what ajv does with the committed schema', () => {
    const validate = ajvValidator();
    const files: Record<string, unknown>[] = [
      {},
      { feeds: { limit: 0 } },
      { feeds: { limit: 1.5 } },
      { publication: { siteUrl: 'http://monexus.example' } },
      { publication: { siteUrl: 'http://127.0.0.1:8080/' } },
      { publication: { name: '   ' } },
      { postalAddress: 'line one\nline two' },
      { sender: { address: 'desk' } },
      { sender: { replyTo: 'letters@harbour.example' } },
      { websub: {} },
      { websub: { hub: 'https://hub.example/' } },
      { partners: [{ id: 'Wire', name: 'W', formats: ['atom'] }] },
      { partners: [{ id: 'w', name: 'W', formats: ['atom', 'atom'] }] },
      { partners: [{ id: 'w', name: 'W', formats: [] }] },
      { partners: [{ id: 'w', name: 'W', formats: ['json'], rotation: -1 }] },
      { subscription: { topics: [{ name: 'tides', labels: { French: 'Marées' } }] } },
      { subscription: { topics: [{ name: 'x'.repeat(65) }] } },
      { sending: { autoPause: { bounceRate: 0 } } },
      { sending: { tracking: { opens: 'no' } } },
      { mediaTopics: {} },
      { mediaTopics: { energy: ['medtop:20000256', 'medtop:20000260'] } },
      { mediaTopics: { energy: [] } },
      { mediaTopics: { energy: ['20000256'] } },
      { mediaTopics: { energy: ['medtop:20000256', 'medtop:20000256'] } },
      { mediaTopics: { energy: 'medtop:20000256' } },
      { colour: 'red' },
    ];
    for (const file of files) expect(refusal(file) === '', JSON.stringify(file)).toBe(validate(file));
  });

  it('describes every setting, refuses unknown keys everywhere, and defaults to the built-in values', () => {
    for (const [where, node] of nodes(CONFIG_SCHEMA, 'config')) {
      expect(node.description, where).toBeTruthy();
      if (node.properties) expect(node.additionalProperties, where).toBe(false);
    }
    const defaults: [string, unknown][] = [];
    const collect = (value: unknown, schema: JsonSchema, path: string) => {
      const node = resolve(schema);
      if (Array.isArray(value)) value.forEach((item, n) => collect(item, node.items!, `${path}[${n}]`));
      if (typeof value !== 'object' || value === null || Array.isArray(value)) return;
      for (const [key, child] of Object.entries(node.properties ?? {})) {
        const fallback = resolve(child).default;
        if (fallback !== undefined) defaults.push([`${path}.${key}`, fallback]);
        if (key in value) collect((value as Record<string, unknown>)[key], child, `${path}.${key}`);
      }
    };
    collect(SAMPLE, CONFIG_SCHEMA, 'config');
    expect(defaults.length).toBeGreaterThanOrEqual(12);
    const builtIn = (path: string) =>
      path
        .split('.')
        .slice(1)
        .reduce<unknown>((at, key) => {
          const [name, index] = key.split('[');
          const value = (at as Record<string, unknown>)[name!];
          return index === undefined ? value : (value as unknown[])[Number.parseInt(index, 10)];
        }, SAMPLE);
    for (const [path, fallback] of defaults) expect(builtIn(path), path).toEqual(fallback);
  });
});

describe('the nearest known name', () => {
  it('forgives a letter or two, a swap and case, and nothing far off', () => {
    expect(nearestName('formatz', ['id', 'name', 'formats'])).toBe('formats');
    expect(nearestName('lmiit', ['limit'])).toBe('limit');
    expect(nearestName('siteURL', ['name', 'siteUrl'])).toBe('siteUrl');
    expect(nearestName('colour', ['publication', 'sender', 'feeds', 'email'])).toBeUndefined();
    expect(nearestName('xy', ['id'])).toBeUndefined();
  });
});
