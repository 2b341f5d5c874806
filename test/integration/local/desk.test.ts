import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config.ts';
import { runCliInProcess } from '../../helpers/cli-in-process.ts';
import { useEmulators } from '../../helpers/emulators.ts';

/*
 * The desk commands as a desk runs them against a local run, with the environment desk.env gives (the emulators'
 * endpoints, the bucket, table and queue names, the run's publication): approve through the real command line, as a
 * child process; the others through the same main function in this process, a second of start-up less each.
 */

const ROOT = join(import.meta.dirname, '../../..');
const BIN = join(ROOT, 'bin/broadsheet.js');
const MARKDOWN = join(ROOT, 'samples/2026-06-03-energy-grid.md');
const FTP = join(ROOT, 'test/fixtures/invalid/2026-06-10-source-ftp.txt');
const SLUG = '2026-06-03-energy-grid';
const EDITORIALS = 'desk-editorials';
const SITE = 'desk-site';
const SITE_URL = 'http://127.0.0.1:4999';

const emulators = useEmulators({
  s3Buckets: [EDITORIALS, SITE],
  queues: ['desk-dispatch'],
  tables: [{ tableName: 'desk-subscribers', partitionKey: 'id' }],
});

/** A local run's publication: its site and unsubscribe links on the local server, as npm start -- --serve has them. */
const base = loadConfig();
const publication = {
  ...base,
  publication: { ...base.publication, name: 'Monexus Local', siteUrl: SITE_URL },
  unsubscribe: { ...base.unsubscribe, url: `${SITE_URL}/unsubscribe` },
};
const inertLink = `${SITE_URL}/unsubscribe?proof=1`;

function deskEnv(): Record<string, string> {
  return {
    BROADSHEET_LOCAL_ENDPOINTS: JSON.stringify(emulators.endpoints),
    BROADSHEET_CONFIG: JSON.stringify(publication),
    EDITORIALS_BUCKET: EDITORIALS,
    PUBLIC_BUCKET: SITE,
    SUBSCRIBERS_TABLE: 'desk-subscribers',
    LEDGER_TABLE: 'desk-ledger',
    DISPATCH_QUEUE_URL: emulators.queueUrls['desk-dispatch']!,
    CONFIGURATION_SET: 'broadsheet-local',
    TOKEN_SECRET: 'desk-test-token-secret-0123456789-abcdef',
  };
}

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** The environment a desk's shell has once desk.env is sourced; nothing of the test's own names another desk or stack. */
function shellEnv(): Record<string, string | undefined> {
  const { BROADSHEET_STACK: _stack, AWS_PROFILE: _profile, ...inherited } = process.env;
  return { ...inherited, ...deskEnv() };
}

const broadsheet = (...args: string[]): Promise<Run> => runCliInProcess(args, shellEnv());

async function broadsheetProcess(...args: string[]): Promise<Run> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [BIN, ...args], {
      cwd: ROOT,
      env: shellEnv(),
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

async function keys(prefix: string): Promise<string[]> {
  const listed = await emulators.s3.send(new ListObjectsV2Command({ Bucket: EDITORIALS, Prefix: prefix }));
  return (listed.Contents ?? []).map((o) => o.Key!).sort();
}

async function text(key: string): Promise<string> {
  const object = await emulators.s3.send(new GetObjectCommand({ Bucket: EDITORIALS, Key: key }));
  return object.Body!.transformToString();
}

describe('the desk on a local run: approve, proof, withdraw', () => {
  it('approve lands a checked editorial in approved/, and never a rejected one', async () => {
    const rejected = await broadsheet('approve', FTP);
    expect(rejected.code).toBe(1);
    expect(rejected.stderr.trim()).toMatch(/^.*2026-06-10-source-ftp\.txt: rejected: line 5: /);
    expect(await keys('approved/')).toEqual([]);

    const run = await broadsheetProcess('approve', MARKDOWN);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain(
      `Approved ${SLUG}: put approved/${SLUG}.md into the editorials bucket ${EDITORIALS} (the local run).`,
    );
    expect(run.stdout).toContain(`npx broadsheet dispatch status ${SLUG} --watch`);
    expect(run.stdout).toContain(`${SITE_URL}/editorials/${SLUG}/`);
    expect(await keys('approved/')).toEqual([`approved/${SLUG}.md`]);
    expect(await text(`approved/${SLUG}.md`)).toBe(readFileSync(MARKDOWN, 'utf8'));
  });

  it('proof sends two [PROOF] emails through the local SES with the inert link, and publishes and queues nothing', async () => {
    await emulators.clearMail();
    const run = await broadsheet('proof', MARKDOWN, '--to', 'editor@example.org,second.reader@example.org');
    expect(run.code, run.stderr).toBe(0);
    const lines = run.stdout.split('\n').filter((line) => line.includes(': sent, SES message id '));
    expect(lines.map((line) => line.split(':')[0])).toEqual(['editor@example.org', 'second.reader@example.org']);

    const mail = await emulators.sentMail();
    expect(mail).toHaveLength(2);
    expect(mail.flatMap((m) => m.destination.to).sort()).toEqual(['editor@example.org', 'second.reader@example.org']);
    for (const message of mail) {
      expect(message.subject).toMatch(/^\[PROOF\] Europe's grid is the new front line/);
      const header = (name: string) => message.headers?.find((h) => h.name.toLowerCase() === name.toLowerCase())?.value;
      expect(header('List-Unsubscribe')).toContain(`<${inertLink}>`);
      expect(header('List-Unsubscribe-Post')).toBe('List-Unsubscribe=One-Click');
      expect(header('List-Id')).toMatch(/<newsletter\.[^>]+>$/);
      expect(header('Feedback-ID')).toMatch(/^proof:editorial:/);
      expect(message.body.html).toContain(inertLink);
      const parsed = await simpleParser(await emulators.sentMailMime(message.messageId));
      expect(parsed.subject).toBe(message.subject);
      expect(parsed.text).toContain(inertLink);
    }
    for (const line of lines) expect(mail.map((m) => m.messageId)).toContain(line.split('SES message id ')[1]);

    // A proof publishes nothing and queues no dispatch; its record lies apart from the dispatches.
    expect(await keys('rendered/')).toEqual([]);
    expect(await keys('index/')).toEqual([]);
    const queue = await emulators.sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: emulators.queueUrls['desk-dispatch']!,
        AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
      }),
    );
    expect(queue.Attributes?.ApproximateNumberOfMessages).toBe('0');
    expect(queue.Attributes?.ApproximateNumberOfMessagesNotVisible).toBe('0');
    const records = await keys('proofs/');
    expect(records).toHaveLength(1);
    expect(records[0]).toMatch(new RegExp(`^proofs/\\d{4}-\\d{2}-\\d{2}T[\\d:.]+Z-${SLUG}\\.json$`));
    const record = JSON.parse(await text(records[0]!)) as Record<string, unknown>;
    expect(record).toEqual({
      slug: SLUG,
      subject: mail[0]!.subject,
      to: ['editor@example.org', 'second.reader@example.org'],
      messageIds: lines.map((line) => line.split('SES message id ')[1]),
      at: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
    });
  });

  it('withdraw of a slug never published exits 1 with one sentence', async () => {
    const run = await broadsheet('withdraw', '2026-01-01-never-published', '--reason', 'Wrong slug.');
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(
        /^broadsheet withdraw: no editorial with the slug "2026-01-01-never-published" has been published in the local run: /,
      ),
    ]);
    expect(await keys('desk/')).toEqual([]);
  });

  it('subscribers import and export act on the local run, with its publication', async () => {
    const imported = await broadsheet('subscribers', 'import', join(ROOT, 'samples/subscribers.csv'));
    expect(imported.code, imported.stderr).toBe(0);
    expect(imported.stdout).toMatch(/^Imported .*subscribers\.csv: (\d+) rows, \1 created/);
    const exported = await broadsheet('subscribers', 'export', 'ada.reader@example.com');
    expect(exported.code, exported.stderr).toBe(0);
    expect(JSON.parse(exported.stdout)).toMatchObject({
      publication: 'Monexus Local',
      subscriber: { email: 'ada.reader@example.com', status: 'confirmed' },
    });
  });
});
