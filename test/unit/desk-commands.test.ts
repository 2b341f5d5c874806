import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { DeskConnection } from '../../src/app/desk.ts';
import { NoCredentialsError, StackNotFoundError } from '../../src/adapters/stack-outputs.ts';
import { buildSite } from '../../src/cli/build.ts';
import { subscribersCommandDeps } from '../../src/app/cli.ts';
import { runDeskCommand, type DeskCommandDeps } from '../../src/cli/desk.ts';
import { main } from '../../src/cli/main.ts';
import { loadConfig, type Config } from '../../src/config.ts';
import { createLogger } from '../../src/log.ts';
import { tooLargeReason } from '../../src/parse/limits.ts';
import {
  decodeIndexEntry,
  publishObject,
  type DispatchRequest,
  type PublishDeps,
  type StopRequest,
} from '../../src/pipeline/publish/index.ts';
import { renderStoredTemplate } from '../../src/pipeline/publish/email-template.ts';
import type { Mailer, OutgoingEmail } from '../../src/ports.ts';
import { bulkHeaders } from '../../src/render/email/mime.ts';
import { personalize } from '../../src/render/email/personalize.ts';
import { parseEditorial } from '../../src/parse/index.ts';
import { MemoryStore } from '../helpers/memory-store.ts';
import { testDeskRuntime } from '../helpers/test-desk.ts';

const ROOT = join(import.meta.dirname, '../..');
const VALID = join(ROOT, 'test/fixtures/valid');
const INVALID = join(ROOT, 'test/fixtures/invalid');
const SAMPLES = join(ROOT, 'samples');
const MARKDOWN = join(SAMPLES, '2026-06-03-energy-grid.md');
const ARABIC = join(SAMPLES, '2026-06-05-sahel-ceasefire.md');
const PLAIN = join(SAMPLES, '2026-06-02-grain-corridor.txt');
const FTP = join(INVALID, '2026-06-10-source-ftp.txt');
const config = loadConfig();
const NOW = new Date('2026-07-01T09:30:00.000Z');
const PROOF_URL = `${config.unsubscribe.url}?proof=1`;

const files = (dir: string) =>
  readdirSync(dir)
    .sort()
    .map((name) => join(dir, name));
const stem = (file: string) => file.slice(file.lastIndexOf('/') + 1).replace(/\.[^.]+$/, '');
const tempDir = () => mkdtempSync(join(tmpdir(), 'broadsheet-desk-'));

interface Run {
  code: number;
  out: string[];
  err: string[];
}

/** A desk command in this process, its output kept line by line. */
async function desk(command: string, args: string[], deps: Partial<DeskCommandDeps> = {}): Promise<Run> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runDeskCommand(command, args, {
    env: {},
    now: () => NOW,
    stdout: (line) => out.push(...line.split('\n')),
    stderr: (line) => err.push(...line.split('\n')),
    ...deps,
  });
  return { code, out, err };
}

const neverConnect = () =>
  vi.fn(async (): Promise<DeskConnection> => {
    throw new Error('the desk must not connect');
  });

/** A mailer that keeps what it is given and answers with a message id. */
class RecordingMailer implements Mailer {
  readonly sent: OutgoingEmail[] = [];
  async send(email: OutgoingEmail) {
    this.sent.push(email);
    return { messageId: `message-${this.sent.length}` };
  }
}

interface Desk {
  editorials: MemoryStore;
  site: MemoryStore;
  mailer: RecordingMailer;
  connect: DeskCommandDeps['connect'];
  planned: DispatchRequest[];
  stopped: StopRequest[];
  /** The publish function taking one S3 event of the editorials bucket. */
  publish(key: string, kind?: 'created' | 'removed'): ReturnType<typeof publishObject>;
}

/** A desk over buckets in memory, with the publish function over the same buckets. */
function memoryDesk(publication: Config = config): Desk {
  const editorials = new MemoryStore(() => NOW);
  const site = new MemoryStore(() => NOW);
  const mailer = new RecordingMailer();
  const planned: DispatchRequest[] = [];
  const stopped: StopRequest[] = [];
  const runtime = testDeskRuntime(publication);
  const deps: PublishDeps = {
    editorials,
    site,
    config: publication,
    clock: { now: () => NOW, sleep: async () => {} },
    log: createLogger({}, () => {}),
    planDispatch: async (request) => void planned.push(request),
    stopDispatch: async (request) => void stopped.push(request),
  };
  return {
    editorials,
    site,
    mailer,
    planned,
    stopped,
    connect: async () => ({ runtime, editorials, mailer }),
    publish: (key, kind = 'created') => publishObject(deps, { kind, key }),
  };
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('broadsheet check', () => {
  it('exits 0 with one "<file>: ok: <slug>" line per valid file, and writes nothing anywhere', async () => {
    const valid = [...files(VALID), MARKDOWN, PLAIN, ARABIC];
    const run = await desk('check', valid, { connect: neverConnect() });
    expect(run.code).toBe(0);
    expect(run.err).toEqual([]);
    expect(run.out).toEqual(valid.map((file) => `${file}: ok: ${stem(file)}`));
  });

  it('exits 1 with the very lines broadsheet build prints for each invalid file, on standard error', async () => {
    const invalid = files(INVALID);
    const run = await desk('check', invalid);
    expect(run.code).toBe(1);
    expect(run.out).toEqual([]);
    const built: string[] = [];
    await buildSite({ inputs: invalid, out: tempDir(), config, stdout: () => {}, stderr: (line) => built.push(line) });
    const rejectedByBuild = built.filter((line) => line.includes(': rejected: '));
    expect(run.err).toHaveLength(invalid.length);
    expect(run.err).toEqual(rejectedByBuild);
    expect(run.err).toContain(
      `${FTP}: rejected: line 5: the source "ftp://files.example.org/port-report.pdf" uses ftp:, so it is not a web address; every source must be an absolute http:// or https:// address (e.g. https://t.me/channel): correct or remove it.`,
    );
  });

  it('says ok for the valid files and rejected for the others when given both, and exits 1', async () => {
    const run = await desk('check', [PLAIN, FTP, MARKDOWN]);
    expect(run.code).toBe(1);
    expect(run.out).toEqual([`${PLAIN}: ok: 2026-06-02-grain-corridor`, `${MARKDOWN}: ok: 2026-06-03-energy-grid`]);
    expect(run.err).toHaveLength(1);
    expect(run.err[0]).toMatch(/^.*source-ftp\.txt: rejected: line 5: /);
  });

  it('applies the limits of the configuration given, as the publish function does', async () => {
    const dir = tempDir();
    const small = join(dir, 'small.json');
    writeFileSync(small, JSON.stringify({ limits: { maxEditorialBytes: 1000 } }));
    const run = await desk('check', [PLAIN, '--config', small]);
    const size = readFileSync(PLAIN).byteLength;
    expect(run.code).toBe(1);
    expect(run.err).toEqual([`${PLAIN}: rejected: ${tooLargeReason(size, loadConfig(small).limits)}`]);
  });

  it('is a usage error (exit 2) for a file that does not exist or no file at all', async () => {
    const missing = await desk('check', [PLAIN, join(VALID, 'no-such-file.txt')]);
    expect(missing.code).toBe(2);
    expect(missing.out).toEqual([]);
    expect(missing.err[0]).toBe(`broadsheet check: cannot read "${join(VALID, 'no-such-file.txt')}": no such file`);
    expect((await desk('check', [])).code).toBe(2);
  });

  it('is what broadsheet check runs, from the command line entry point', async () => {
    const out: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => (out.push(String(chunk)), true));
    expect(await main(['check', PLAIN], {})).toBe(0);
    expect(out.join('')).toBe(`${PLAIN}: ok: 2026-06-02-grain-corridor\n`);
  });

  it('loads no AWS SDK: nothing check imports, statically, reaches @aws-sdk', () => {
    const seen = new Set<string>();
    const sdk: string[] = [];
    const visit = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022);
      for (const statement of source.statements) {
        const loaded =
          (ts.isImportDeclaration(statement) && !statement.importClause?.isTypeOnly) ||
          (ts.isExportDeclaration(statement) && !statement.isTypeOnly && statement.moduleSpecifier);
        if (!loaded) continue;
        const specifier = (
          (statement as ts.ImportDeclaration | ts.ExportDeclaration).moduleSpecifier as ts.StringLiteral
        ).text;
        if (specifier.startsWith('.')) visit(resolve(dirname(file), specifier));
        else if (specifier.startsWith('@aws-sdk/')) sdk.push(`${relative(ROOT, file)} → ${specifier}`);
      }
    };
    visit(join(ROOT, 'src/cli/main.ts'));
    expect(seen.has(join(ROOT, 'src/cli/desk.ts'))).toBe(true);
    expect(sdk).toEqual([]);
  });
});

describe('broadsheet proof refuses before sending anything', () => {
  const addresses = (n: number) => Array.from({ length: n }, (_, i) => `desk${i}@example.org`).join(',');

  it('refuses 21 addresses with one sentence and the usage, exit 2', async () => {
    const connect = neverConnect();
    const run = await desk('proof', [MARKDOWN, '--to', addresses(21)], { connect });
    expect(run.code).toBe(2);
    expect(run.err[0]).toBe(
      'broadsheet proof: a proof goes to at most 20 addresses and 21 were given, so nothing was sent',
    );
    expect(run.err.join('\n')).toContain('Usage:');
    expect(run.out).toEqual([]);
    expect(connect).not.toHaveBeenCalled();
  });

  it('counts addresses given with several --to options, and takes 20', async () => {
    const refused = await desk(
      'proof',
      [
        MARKDOWN,
        '--to',
        addresses(15),
        '--to',
        'more0@example.org,more1@example.org,more2@example.org,more3@example.org,more4@example.org,more5@example.org',
      ],
      { connect: neverConnect() },
    );
    expect(refused.code).toBe(2);
    const d = memoryDesk();
    const taken = await desk('proof', [MARKDOWN, '--to', addresses(20)], { connect: d.connect });
    expect(taken.code).toBe(0);
    expect(d.mailer.sent).toHaveLength(20);
  });

  it('refuses an address that is not one, exit 2', async () => {
    const connect = neverConnect();
    const run = await desk('proof', [MARKDOWN, '--to', 'desk@example.org,desk.example.org'], { connect });
    expect(run.code).toBe(2);
    expect(run.err[0]).toBe('broadsheet proof: "desk.example.org" is not an email address, so nothing was sent');
    expect(connect).not.toHaveBeenCalled();
  });

  it('needs --to', async () => {
    expect((await desk('proof', [MARKDOWN], { connect: neverConnect() })).code).toBe(2);
  });

  it('gives a rejected editorial its rejection, the line check prints, and no proof: exit 1', async () => {
    const connect = neverConnect();
    const run = await desk('proof', [FTP, '--to', 'desk@example.org'], { connect });
    const checked = await desk('check', [FTP]);
    expect(run.code).toBe(1);
    expect(run.err).toEqual(checked.err);
    expect(run.out).toEqual([]);
    expect(connect).not.toHaveBeenCalled();
  });
});

describe('broadsheet proof', () => {
  it('sends each address the email a subscriber gets, marked [PROOF], with an inert unsubscribe link, and records it', async () => {
    const d = memoryDesk();
    const run = await desk('proof', [MARKDOWN, '--to', 'editor@example.org, Second@Example.org'], {
      connect: d.connect,
    });
    expect(run.code).toBe(0);
    expect(run.err).toEqual([]);
    expect(run.out.slice(0, 2)).toEqual([
      'editor@example.org: sent, SES message id message-1',
      'Second@Example.org: sent, SES message id message-2',
    ]);

    const parsed = parseEditorial('2026-06-03-energy-grid.md', readFileSync(MARKDOWN), {
      publication: config.publication.name,
      defaultLang: config.publication.language,
      date: NOW,
      limits: config.limits,
    });
    if (!parsed.ok) throw new Error('the sample parses');
    const template = await renderStoredTemplate(parsed.editorial, config, 'proof');
    const copy = personalize(template, { unsubscribeUrl: PROOF_URL });
    expect(d.mailer.sent.map((email) => email.to)).toEqual(['editor@example.org', 'Second@Example.org']);
    for (const email of d.mailer.sent) {
      expect(email.subject).toBe(`[PROOF] ${template.subject}`);
      expect(email.from).toBe(template.from);
      expect(email.html).toBe(copy.html);
      expect(email.text).toBe(copy.text);
      expect(email.headers).toEqual(
        bulkHeaders(config, { unsubscribeUrl: PROOF_URL, dispatchId: 'proof', kind: 'editorial' }),
      );
      expect(email.headers.map((h) => h.name)).toEqual([
        'List-Id',
        'List-Unsubscribe',
        'List-Unsubscribe-Post',
        'Feedback-ID',
      ]);
      expect(email.headers.find((h) => h.name === 'List-Unsubscribe')?.value).toContain(`<${PROOF_URL}>`);
      expect(email.html).toContain('proof=1');
      expect(email.html).not.toContain('token=');
      expect(email.configurationSet).toBe('broadsheet-events');
      expect(email.tags).toEqual({ proof: '2026-06-03-energy-grid' });
    }

    // Only the record: nothing approved, rendered or indexed, and no dispatch.
    const key = `proofs/${NOW.toISOString()}-2026-06-03-energy-grid.json`;
    expect(d.editorials.keys()).toEqual([key]);
    expect(d.site.keys()).toEqual([]);
    expect(d.planned).toEqual([]);
    expect(JSON.parse(d.editorials.text(key)!)).toEqual({
      slug: '2026-06-03-energy-grid',
      subject: `[PROOF] ${template.subject}`,
      to: ['editor@example.org', 'Second@Example.org'],
      messageIds: ['message-1', 'message-2'],
      at: NOW.toISOString(),
    });
  });

  it('keeps the email language on the inert link, so the page answers in it', async () => {
    const d = memoryDesk();
    expect((await desk('proof', [ARABIC, '--to', 'editor@example.org'], { connect: d.connect })).code).toBe(0);
    const [email] = d.mailer.sent;
    expect(email!.text).toContain(`${PROOF_URL}&lang=ar`);
    expect(email!.headers.find((h) => h.name === 'List-Unsubscribe')?.value).toContain(`<${PROOF_URL}>`);
  });

  it('says which address SES refused, still sends the others, records what went, and exits 1', async () => {
    const d = memoryDesk();
    const send = d.mailer.send.bind(d.mailer);
    d.mailer.send = async (email) => {
      if (email.to.startsWith('refused'))
        throw new Error('SES rejected the message: MessageRejected Email address is not verified.');
      return send(email);
    };
    const run = await desk('proof', [MARKDOWN, '--to', 'refused@example.org,editor@example.org'], {
      connect: d.connect,
    });
    expect(run.code).toBe(1);
    expect(run.err).toEqual([
      'refused@example.org: not sent: SES rejected the message: MessageRejected Email address is not verified.',
    ]);
    const [key] = d.editorials.keys('proofs/');
    expect(JSON.parse(d.editorials.text(key!)!)).toMatchObject({
      to: ['editor@example.org'],
      messageIds: ['message-1'],
      failed: [{ to: 'refused@example.org' }],
    });
  });
});

describe('broadsheet approve', () => {
  it('puts a valid file into approved/<file name>, says the slug and where to watch it', async () => {
    const d = memoryDesk();
    const run = await desk('approve', [PLAIN], { connect: d.connect });
    expect(run.code).toBe(0);
    expect(run.out[0]).toBe(
      'Approved 2026-06-02-grain-corridor: put approved/2026-06-02-grain-corridor.txt into the editorials bucket editorials (the test desk).',
    );
    expect(run.out).toContain('  Watch:  npx broadsheet dispatch status 2026-06-02-grain-corridor --watch');
    expect(run.out).toContain(`  Page:   ${config.publication.siteUrl}/editorials/2026-06-02-grain-corridor/`);
    expect(d.editorials.text('approved/2026-06-02-grain-corridor.txt')).toBe(readFileSync(PLAIN, 'utf8'));
  });

  it('never uploads a rejected file', async () => {
    const d = memoryDesk();
    const run = await desk('approve', [FTP], { connect: d.connect });
    expect(run.code).toBe(1);
    expect(run.err).toEqual((await desk('check', [FTP])).err);
    expect(d.editorials.keys()).toEqual([]);
  });

  it('leaves the same file alone, replaces a different version of the same slug and says it is a correction', async () => {
    const d = memoryDesk();
    expect((await desk('approve', [MARKDOWN], { connect: d.connect })).code).toBe(0);
    const first = d.editorials.objects.get('approved/2026-06-03-energy-grid.md')!.etag;
    const again = await desk('approve', [MARKDOWN], { connect: d.connect });
    expect(again.code).toBe(0);
    expect(again.out[0]).toContain('already holds this very file');
    expect(d.editorials.objects.get('approved/2026-06-03-energy-grid.md')!.etag).toBe(first);

    const dir = tempDir();
    const corrected = join(dir, '2026-06-03-energy-grid.md');
    writeFileSync(
      corrected,
      readFileSync(MARKDOWN, 'utf8')
        .replace(/^updated: .*$/m, 'updated: 2026-06-04T10:00:00Z')
        .replace(/^correction: .*$/m, 'correction: "A date was wrong."'),
    );
    const correction = await desk('approve', [corrected], { connect: d.connect });
    expect(correction.code).toBe(0);
    expect(correction.out[0]).toBe(
      'Approved a correction of 2026-06-03-energy-grid: replaced approved/2026-06-03-energy-grid.md in the editorials bucket editorials (the test desk) with a different version of the same slug.',
    );
    expect(d.editorials.text('approved/2026-06-03-energy-grid.md')).toContain('A date was wrong.');
  });

  it('refuses to replace an object that holds another slug', async () => {
    const d = memoryDesk();
    const dir = tempDir();
    const file = join(dir, 'harbour.md');
    const sample = readFileSync(MARKDOWN, 'utf8');
    writeFileSync(file, sample.replace(/^---\n/, '---\nslug: harbour-one\n'));
    expect((await desk('approve', [file], { connect: d.connect })).code).toBe(0);
    writeFileSync(file, sample.replace(/^---\n/, '---\nslug: harbour-two\n'));
    const run = await desk('approve', [file], { connect: d.connect });
    expect(run.code).toBe(1);
    expect(run.err).toHaveLength(1);
    expect(run.err[0]).toContain('approved/harbour.md holds the editorial "harbour-one", not "harbour-two"');
    expect(d.editorials.text('approved/harbour.md')).toContain('slug: harbour-one');
  });
});

describe('broadsheet withdraw, through the publish function', () => {
  it('withdraws a Markdown editorial in its own front matter, so the reason reaches the page and partners', async () => {
    const d = memoryDesk();
    await desk('approve', [MARKDOWN], { connect: d.connect });
    expect((await d.publish('approved/2026-06-03-energy-grid.md')).outcome).toBe('published');

    const run = await desk(
      'withdraw',
      ['2026-06-03-energy-grid', '--reason', 'The figures came from a forged  release.'],
      { connect: d.connect },
    );
    expect(run.code).toBe(0);
    expect(run.out[0]).toBe(
      'Withdrew 2026-06-03-energy-grid: approved/2026-06-03-energy-grid.md in the editorials bucket editorials (the test desk) now says status: withdrawn, with the reason as its note.',
    );
    const approved = d.editorials.text('approved/2026-06-03-energy-grid.md')!;
    expect(approved).toMatch(/^status: withdrawn$/m);
    expect(approved).toMatch(/^correction: "?The figures came from a forged release\."?$/m);

    expect((await d.publish('approved/2026-06-03-energy-grid.md')).outcome).toBe('corrected');
    const entry = decodeIndexEntry(d.editorials.text('index/2026-06-03-energy-grid.json')!);
    expect(entry.editorial.status).toBe('withdrawn');
    expect(entry.editorial.correction).toBe('The figures came from a forged release.');
    expect(entry.editorial.published.toISOString()).toBe('2026-06-03T06:00:00.000Z');
    const page = d.site.text('editorials/2026-06-03-energy-grid/index.html')!;
    expect(page).toContain('withdrawn-notice');
    expect(page).toContain('The figures came from a forged release.');
    const partnerAtom = d.site.keys('partners/').find((key) => key.endsWith('/atom.xml'));
    expect(partnerAtom).toBeDefined();
    expect(d.site.text(partnerAtom!)).toMatch(
      /<at:comment type="text">[^<]*The figures came from a forged release\.<\/at:comment>/,
    );
    expect(d.site.text('feeds/feed.json')).not.toContain('2026-06-03-energy-grid');

    const again = await desk('withdraw', ['2026-06-03-energy-grid'], { connect: d.connect });
    expect(again.code).toBe(0);
    expect(again.out[0]).toMatch(/^2026-06-03-energy-grid is already withdrawn \(/);

    // The version it withdrew is older than the withdrawal: approving it again would publish nothing.
    const stale = await desk('approve', [MARKDOWN], { connect: d.connect });
    expect(stale.code).toBe(1);
    expect(stale.err[0]).toMatch(
      /^broadsheet approve: 2026-06-03-energy-grid is published in a later version .* nothing was uploaded; give it a later "updated:"/,
    );
    expect(d.editorials.text('approved/2026-06-03-energy-grid.md')).toMatch(/^status: withdrawn$/m);
  });

  it('withdraws a plain-text editorial by deleting its approved object, and keeps the reason in a desk note', async () => {
    const d = memoryDesk();
    await desk('approve', [PLAIN], { connect: d.connect });
    expect((await d.publish('approved/2026-06-02-grain-corridor.txt')).outcome).toBe('published');
    const run = await desk('withdraw', ['2026-06-02-grain-corridor', '--reason', 'Sources retracted.'], {
      connect: d.connect,
    });
    expect(run.code).toBe(0);
    expect(run.out[0]).toBe(
      'Withdrew 2026-06-02-grain-corridor: deleted approved/2026-06-02-grain-corridor.txt from the editorials bucket editorials (the test desk).',
    );
    expect(run.out.join('\n')).toContain('desk/withdrawals/2026-06-02-grain-corridor.json');
    expect(d.editorials.keys('approved/')).toEqual([]);
    expect(JSON.parse(d.editorials.text('desk/withdrawals/2026-06-02-grain-corridor.json')!)).toEqual({
      slug: '2026-06-02-grain-corridor',
      reason: 'Sources retracted.',
      at: NOW.toISOString(),
      approvedKey: 'approved/2026-06-02-grain-corridor.txt',
    });
    expect((await d.publish('approved/2026-06-02-grain-corridor.txt', 'removed')).outcome).toBe('withdrawn');
    const again = await desk('withdraw', ['2026-06-02-grain-corridor'], { connect: d.connect });
    expect(again.code).toBe(0);
    expect(again.out[0]).toMatch(/already withdrawn \(its approved object was removed at /);

    const republished = await desk('approve', [PLAIN], { connect: d.connect });
    expect(republished.code).toBe(0);
    expect(republished.out[0]).toBe(
      'Approved 2026-06-02-grain-corridor again: put approved/2026-06-02-grain-corridor.txt into the editorials bucket editorials (the test desk); it was withdrawn, and this version publishes it again.',
    );
  });

  it('says so when the withdrawal is already under way', async () => {
    const d = memoryDesk();
    await desk('approve', [PLAIN], { connect: d.connect });
    await d.publish('approved/2026-06-02-grain-corridor.txt');
    await desk('withdraw', ['2026-06-02-grain-corridor'], { connect: d.connect });
    const again = await desk('withdraw', ['2026-06-02-grain-corridor'], { connect: d.connect });
    expect(again.code).toBe(0);
    expect(again.out[0]).toMatch(/is already being withdrawn/);
  });

  it('refuses an unknown slug with one sentence, exit 1', async () => {
    const d = memoryDesk();
    const run = await desk('withdraw', ['2026-01-01-nothing-here'], { connect: d.connect });
    expect(run.code).toBe(1);
    expect(run.err).toEqual([
      expect.stringMatching(
        /^broadsheet withdraw: no editorial with the slug "2026-01-01-nothing-here" has been published in the test desk: /,
      ),
    ]);
    expect((await desk('withdraw', ['../index/x'], { connect: d.connect })).code).toBe(1);
  });
});

describe('where the desk acts, when it cannot be found', () => {
  const noTrace = (run: Run) => expect(run.err.join('\n')).not.toMatch(/\n\s+at /);

  it('says to set credentials, or source desk.env, when there are none: exit 1', async () => {
    const run = await desk('approve', [PLAIN], {
      stackOutputs: async () => {
        throw new NoCredentialsError(
          'no AWS credentials were found (set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY)',
        );
      },
    });
    expect(run.code).toBe(1);
    expect(run.err).toHaveLength(1);
    expect(run.err[0]).toMatch(
      /^broadsheet approve: no AWS credentials were found: set AWS_PROFILE .* source the desk\.env that npm start -- --serve wrote$/,
    );
    noTrace(run);
  });

  it('says to deploy, name the stack or source desk.env when the stack does not exist: exit 1', async () => {
    const run = await desk('withdraw', ['x', '--stack', 'Newsroom'], {
      stackOutputs: async (name) => {
        throw new StackNotFoundError(`stack ${name} does not exist in region eu-west-1`);
      },
    });
    expect(run.code).toBe(1);
    expect(run.err).toEqual([
      'broadsheet withdraw: stack NewsroomData does not exist in region eu-west-1: deploy it (npx cdk deploy --all), name the prefix it was deployed with (--stack <prefix> or BROADSHEET_STACK), or, for a local run, source the desk.env that npm start -- --serve wrote',
    ]);
  });

  it('says to source desk.env when a local run is named only in part: exit 1', async () => {
    const run = await desk('proof', [MARKDOWN, '--to', 'desk@example.org'], {
      env: { BROADSHEET_LOCAL_ENDPOINTS: '{}' },
    });
    expect(run.code).toBe(1);
    expect(run.err).toHaveLength(1);
    expect(run.err[0]).toMatch(
      /^broadsheet proof: BROADSHEET_LOCAL_ENDPOINTS names a local run, but .* source the desk\.env/,
    );
  });
});

describe('broadsheet subscribers, after sourcing desk.env', () => {
  const local = {
    ...config,
    publication: { ...config.publication, siteUrl: 'http://127.0.0.1:4321' },
    unsubscribe: { ...config.unsubscribe, url: 'http://127.0.0.1:4321/unsubscribe' },
  };
  const env = {
    SUBSCRIBERS_TABLE: 'subscribers',
    TOKEN_SECRET: 'desk-test-token-secret-0123456789-abcdef',
    BROADSHEET_CONFIG: JSON.stringify(local),
  };

  it("works with the local run's publication, whose links point at the local server", () => {
    expect(subscribersCommandDeps(undefined, env).config.unsubscribe.url).toBe('http://127.0.0.1:4321/unsubscribe');
  });

  it('takes --config over it, and the project publication without either', () => {
    const dir = tempDir();
    const file = join(dir, 'publication.json');
    writeFileSync(file, JSON.stringify({ publication: { name: 'Other Desk' } }));
    expect(subscribersCommandDeps(file, env).config.publication.name).toBe('Other Desk');
    const { BROADSHEET_CONFIG: _config, ...deployed } = env;
    expect(subscribersCommandDeps(undefined, deployed).config.publication.siteUrl).toBe(config.publication.siteUrl);
  });
});
