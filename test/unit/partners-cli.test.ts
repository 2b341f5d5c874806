import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.ts';
import {
  DEVELOPMENT_PARTNER_SECRET,
  DEVELOPMENT_SECRET_WARNING,
  partnerPath,
  PARTNER_SECRET_ENV,
} from '../../src/partners/paths.ts';
import { verifyWebhookSignature, webhookKey, webhookSignature } from '../../src/partners/webhooks.ts';
import { writeArchiveDesk } from '../fixtures/archive-desk.ts';

/* `broadsheet partners list|add|rotate` and the build's secret, through main() in this process. */

const existing = { partners: [{ id: 'wire-east', name: 'Wire East', formats: ['atom'] }] };
const SECRET = 'a secret for the partner command tests, 32+ characters';
let stdout: string[];
let stderr: string[];

beforeEach(() => {
  stdout = [];
  stderr = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => (stdout.push(String(chunk)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => (stderr.push(String(chunk)), true));
  vi.spyOn(console, 'log').mockImplementation((line) => void stdout.push(`${line}\n`));
  vi.spyOn(console, 'error').mockImplementation((line) => void stderr.push(`${line}\n`));
});
afterEach(() => vi.restoreAllMocks());

const tempFile = (content?: unknown) => {
  const file = join(mkdtempSync(join(tmpdir(), 'broadsheet-partners-cli-')), 'config.json');
  if (content !== undefined) writeFileSync(file, `${JSON.stringify(content, null, 2)}\n`);
  return file;
};
const partnersIn = (file: string) =>
  (JSON.parse(readFileSync(file, 'utf8')) as { partners: Record<string, unknown>[] }).partners;
const path = (id: string, rotation: number, secret = DEVELOPMENT_PARTNER_SECRET) =>
  `partners/${partnerPath(secret, { id, rotation })}/`;

describe('broadsheet partners', () => {
  it('lists the sample partner without a configuration file', async () => {
    expect(await main(['partners', 'list'], {})).toBe(0);
    const text = stdout.join('');
    expect(text).toContain('example-partner\tExample Partner Outlet');
    expect(text).toContain('formats  atom, ninjs, json');
    expect(text).toContain('topics   every topic');
    expect(text).toContain(`path     ${path('example-partner', 0)}  (rotation 0)`);
    expect(stderr).toEqual([]);
  });

  it('adds a partner to a configuration file, made when missing, and lists it with its path from the secret', async () => {
    const file = tempFile();
    const env = { [PARTNER_SECRET_ENV]: SECRET };
    const args = [
      'partners',
      'add',
      'wire-east',
      '--name',
      'Wire East',
      '--formats',
      'atom,ninjs',
      '--topics',
      'Україна,economy',
      '--webhook',
      'https://wire-east.example/hook',
      '--config',
      file,
    ];
    expect(await main(args, env)).toBe(0);
    expect(stdout.join('')).toContain(
      `Added wire-east (Wire East) to ${file}: atom, ninjs; topics Україна, economy; path ${path('wire-east', 0, SECRET)}`,
    );
    expect(partnersIn(file).at(-1)).toEqual({
      id: 'wire-east',
      name: 'Wire East',
      formats: ['atom', 'ninjs'],
      topics: ['Україна', 'economy'],
      webhook: 'https://wire-east.example/hook',
      rotation: 0,
    });
    stdout = [];
    expect(await main(['partners', 'list', '--config', file], env)).toBe(0);
    expect(stdout.join('')).toContain(
      `wire-east\tWire East\n  formats  atom, ninjs\n  topics   Україна, economy\n  path     ${path('wire-east', 0, SECRET)}  (rotation 0)\n`,
    );
    expect(stderr).toEqual([]);
  });

  it('rotates one partner: its rotation goes up by one and its new path is printed, the others stay', async () => {
    const file = tempFile({
      partners: [
        { id: 'wire-east', name: 'Wire East', formats: ['atom'] },
        { id: 'digest-co', name: 'Digest', formats: ['json'], rotation: 4 },
      ],
    });
    expect(await main(['partners', 'rotate', 'digest-co', '--config', file], {})).toBe(0);
    expect(stdout.join('')).toContain(
      `Rotated digest-co to rotation 5: its feeds move to ${path('digest-co', 5)} at the next build.`,
    );
    expect(partnersIn(file)).toEqual([
      { id: 'wire-east', name: 'Wire East', formats: ['atom'] },
      { id: 'digest-co', name: 'Digest', formats: ['json'], rotation: 5 },
    ]);
    expect(stderr.join('')).toContain(DEVELOPMENT_SECRET_WARNING);
    expect(await main(['partners', 'rotate', 'wire-east', '--config', file], {})).toBe(0);
    expect(partnersIn(file)[0]).toEqual({ id: 'wire-east', name: 'Wire East', formats: ['atom'], rotation: 1 });
  });

  it('removes one partner from a configuration file and says where its old feeds were, the others stay', async () => {
    const file = tempFile({
      partners: [
        { id: 'wire-east', name: 'Wire East', formats: ['atom'] },
        { id: 'digest-co', name: 'Digest', formats: ['json'], rotation: 4 },
      ],
    });
    expect(await main(['partners', 'remove', 'digest-co', '--config', file], { [PARTNER_SECRET_ENV]: SECRET })).toBe(0);
    expect(stdout.join('')).toContain(
      `Removed digest-co from ${file}: the next build writes no feeds for it; delete ${path('digest-co', 4, SECRET)} wherever an earlier build was served.`,
    );
    expect(partnersIn(file)).toEqual([{ id: 'wire-east', name: 'Wire East', formats: ['atom'] }]);
    expect(stderr).toEqual([]);
  });

  it.each([
    [['partners'], /partners needs list, add, rotate or remove/],
    [['partners', 'retire', 'wire-east'], /unknown partners command "retire"/],
    [['partners', 'remove', 'wire-east'], /remove writes the configuration/],
    [['partners', 'remove', 'nobody', '--config', 'FILE'], /no partner "nobody"/],
    [
      ['partners', 'add', 'new-one', '--name', 'New', '--formats', 'atom'],
      /add writes the configuration: name it with --config <file>/,
    ],
    [['partners', 'rotate', 'wire-east'], /rotate writes the configuration/],
    [['partners', 'add', '--name', 'New', '--formats', 'atom', '--config', 'FILE'], /add takes exactly one partner id/],
    [['partners', 'add', 'new-one', '--formats', 'atom', '--config', 'FILE'], /add needs --name/],
    [['partners', 'add', 'new-one', '--name', 'New', '--config', 'FILE'], /add needs --formats/],
    [
      ['partners', 'add', 'new-one', '--name', 'New', '--formats', 'rss', '--config', 'FILE'],
      /partners\[1\]\.formats\[0\] "rss" is not a partner format/,
    ],
    [
      ['partners', 'add', 'New_One', '--name', 'New', '--formats', 'atom', '--config', 'FILE'],
      /partners\[1\]\.id must be/,
    ],
    [
      [
        'partners',
        'add',
        'new-one',
        '--name',
        'New',
        '--formats',
        'atom',
        '--webhook',
        'http://x.example/',
        '--config',
        'FILE',
      ],
      /webhook must be an https:\/\/ URL/,
    ],
    [
      ['partners', 'add', 'wire-east', '--name', 'Again', '--formats', 'atom', '--config', 'FILE'],
      /there is already a partner "wire-east"/,
    ],
    [['partners', 'rotate', 'nobody', '--config', 'FILE'], /no partner "nobody"/],
    [['partners', 'list', '--name', 'x'], /--name is for add/],
    [['partners', 'list', '--colour'], /colour/],
  ])('exits 2 with the usage and leaves the file as it was: %j', async (args, message) => {
    const file = tempFile(existing);
    const before = readFileSync(file, 'utf8');
    expect(
      await main(
        args.map((a) => (a === 'FILE' ? file : a)),
        {},
      ),
    ).toBe(2);
    expect(stderr.join('')).toMatch(message);
    expect(stderr.join('')).toContain('broadsheet partners add <id> --name <name>');
    expect(readFileSync(file, 'utf8')).toBe(before);
  });

  it("prints a partner's webhook key from the configuration file, and how a partner checks a signature with it", async () => {
    const file = tempFile(existing);
    expect(
      await main(['partners', 'webhook-key', 'wire-east', '--config', file], { [PARTNER_SECRET_ENV]: SECRET }),
    ).toBe(0);
    const [key, how] = stdout.join('').split('\n');
    expect(key).toBe(webhookKey(SECRET, 'wire-east'));
    expect(how).toContain('Broadsheet-Signature: t=<unix seconds>,v2=<hex>');
    expect(how).toContain('"<t>.<Broadsheet-Event-Id>.<raw request body>"');
    const delivery = { eventId: 'e1', body: '{"uri":"https://monexus.example/editorials/x/"}' };
    const at = new Date('2026-07-01T00:00:00Z');
    expect(
      verifyWebhookSignature(key!, delivery, webhookSignature(webhookKey(SECRET, 'wire-east'), delivery, at), at),
    ).toBe(true);
    expect(stderr.join('')).toContain('wire-east has no webhook yet');
    expect(await main(['partners', 'webhook-key', 'nobody', '--config', file], { [PARTNER_SECRET_ENV]: SECRET })).toBe(
      2,
    );
    expect(stderr.join('')).toContain(`no partner "nobody" in ${file}`);
  });

  it("asks for the deployed buckets and the stack's secret with --stack", async () => {
    expect(await main(['partners', 'list', '--stack'], {})).toBe(2);
    expect(stderr.join('')).toContain(
      'partners --stack works on the deployed buckets: set EDITORIALS_BUCKET and PUBLIC_BUCKET',
    );
    expect(await main(['partners', 'list', '--stack'], { EDITORIALS_BUCKET: 'e', PUBLIC_BUCKET: 'p' })).toBe(2);
    expect(stderr.join('')).toContain(`partners --stack needs the stack's partner secret in ${PARTNER_SECRET_ENV}`);
  });

  it('refuses a secret shorter than 32 characters', async () => {
    expect(await main(['partners', 'list'], { [PARTNER_SECRET_ENV]: 'short' })).toBe(2);
    expect(stderr.join('')).toContain(`${PARTNER_SECRET_ENV} must be at least 32 characters`);
  });
});

describe('broadsheet build with partners', () => {
  it("derives the paths from BROADSHEET_PARTNER_SECRET and prints each partner's feeds", async () => {
    const root = mkdtempSync(join(tmpdir(), 'broadsheet-partners-cli-build-'));
    writeArchiveDesk(join(root, 'desk'), 2, new Date('2026-03-01T00:00:00Z'));
    const file = tempFile(existing);
    const out = join(root, 'out');
    expect(
      await main(['build', join(root, 'desk'), '--out', out, '--config', file], { [PARTNER_SECRET_ENV]: SECRET }),
    ).toBe(0);
    const manifest = JSON.parse(readFileSync(join(out, 'partners.json'), 'utf8'));
    expect(manifest).toEqual([
      { id: 'wire-east', name: 'Wire East', feeds: { atom: `${path('wire-east', 0, SECRET)}atom.xml` } },
    ]);
    expect(stdout.join('')).toContain(`  wire-east: ${join(out, path('wire-east', 0, SECRET))}atom.xml`);
    expect(stderr).toEqual([]);
    expect(
      await main(['build', join(root, 'desk'), '--out', out, '--config', file], { [PARTNER_SECRET_ENV]: 'too short' }),
    ).toBe(2);
    expect(await main(['build', join(root, 'desk'), '--out', out, '--config', file], {})).toBe(0);
    expect(stderr.join('')).toContain(DEVELOPMENT_SECRET_WARNING);
  });
});
