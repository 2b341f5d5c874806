import { beforeAll, describe, expect, it } from 'vitest';
import type { PickupDesk } from '../../src/app/pickup-desk.ts';
import { parseSince } from '../../src/cli/partners-report.ts';
import { runPartnersCommand } from '../../src/cli/partners.ts';
import { configFrom } from '../../src/config.ts';
import { partnerKey, partnerPath } from '../../src/partners/paths.ts';
import { webhookRecordItem } from '../../src/partners/webhook-records.ts';
import type { SiteFetch } from '../../src/ports.ts';
import { MemoryTable } from '../helpers/memory-table.ts';
import { markdown, memoryStage, type Stage } from '../helpers/publish-harness.ts';

/* `broadsheet partners report` on fakes: what the desk reads, what a script gets, and the exit status. */

const SECRET = 'the partner secret of the report CLI, over 32 characters';
const config = configFrom(
  {
    partners: [
      { id: 'wire-east', name: 'Wire East', formats: ['atom'], webhook: 'https://wire-east.example/hook' },
      { id: 'digest-co', name: 'Digest Co-op', formats: ['json'] },
    ],
  },
  'test',
);
const [east] = config.partners;
let stage: Stage;
const ledger = new MemoryTable();
const fetches: SiteFetch[] = [];

beforeAll(async () => {
  stage = await memoryStage({ config, now: new Date() });
  stage.deps.partnerSecret = SECRET;
  const body = markdown({ title: '"Killed"', slug: '2026-06-20-killed', published: '2026-06-20T06:00:00Z' });
  await stage.publish(await stage.upload('2026-06-20-killed.md', body));
  await stage.remove('approved/2026-06-20-killed.md');
  await stage.publish('approved/2026-06-20-killed.md', 'removed');
  const after = new Date(stage.clock.now().getTime() + 60_000);
  fetches.push({ at: after, path: partnerKey(partnerPath(SECRET, east!), 'atom'), status: 200 });
  await ledger.put(
    webhookRecordItem({
      partner: 'wire-east',
      eventId: 'ev-1',
      at: after,
      outcome: 'dead-lettered',
      attempt: 5,
      status: 500,
    }),
  );
  stage.clock.set(new Date(after.getTime() + 60_000));
});

const desk = (log: SiteFetch[] = fetches): PickupDesk => ({
  deps: {
    editorials: stage.editorials,
    ledger,
    fetches: {
      async *fetchesSince() {
        yield* log;
      },
    },
    config,
    clock: stage.clock,
    partnerSecret: SECRET,
  },
  partners: async () => config.partners,
  noFetchesNote: () =>
    'no access log has arrived for this period yet: CloudFront delivers them within minutes of a fetch',
  where: 'a test',
});

async function run(args: string[], log?: SiteFetch[]) {
  const out: string[] = [];
  const err: string[] = [];
  const status = await runPartnersCommand(['report', ...args], {
    env: {},
    pickupDesk: async () => desk(log),
    stdout: (l) => out.push(l),
    stderr: (l) => err.push(l),
  });
  return { status, out: out.join('\n'), err: err.join('\n') };
}

describe('broadsheet partners report', () => {
  it('prints, per partner, its documents, the tombstone it fetched and its webhook deliveries', async () => {
    const { status, out } = await run(['wire-east']);
    expect(status).toBe(0);
    expect(out).toMatch(/^wire-east \(Wire East\): since /);
    expect(out).toMatch(/^ {4}atom\.xml +\d{4}-\d{2}-\d{2}T[\d:.]+Z +1$/m);
    expect(out).toMatch(/^ {4}2026-06-20-killed +tombstone +\S+ +seen \d{4}-/m);
    expect(out).toMatch(/^ {4}ev-1 +dead-lettered +5 +\S+ +500$/m);
    expect(out).not.toContain('digest-co');
    // The secret path is not printed: the documents are named below it.
    expect(out).not.toContain(partnerPath(SECRET, east!));
  });

  it('gives a script every partner as JSON, with null where nothing was fetched', async () => {
    const { status, out } = await run(['--json', '--since', '1d']);
    expect(status).toBe(0);
    const json = JSON.parse(out) as { notes: string[]; partners: Record<string, unknown>[] };
    expect(json.notes).toEqual([]);
    expect(json.partners.map((p) => p.id)).toEqual(['wire-east', 'digest-co']);
    expect(json.partners[0]).toMatchObject({
      name: 'Wire East',
      documents: [{ document: 'atom.xml', format: 'atom', lastFetched: expect.any(String), fetches: 1 }],
      items: [{ slug: '2026-06-20-killed', change: 'tombstone', seen: true, seenAt: expect.any(String) }],
      webhook: true,
      webhooks: [{ eventId: 'ev-1', outcome: 'dead-lettered', attempts: 5, status: 500, at: expect.any(String) }],
    });
    expect(json.partners[1]).toMatchObject({
      documents: [{ document: 'feed.json', lastFetched: null, fetches: 0 }],
      items: [{ slug: '2026-06-20-killed', seen: false, seenAt: null }],
      webhook: false,
      webhooks: [],
    });
  });

  it('says why nothing was fetched when no log has arrived', async () => {
    const { status, out } = await run(['digest-co'], []);
    expect(status).toBe(0);
    expect(out).toContain('not seen');
    expect(out).toContain('note: no access log has arrived for this period yet');
  });

  it('refuses an unknown partner with exit status 2, naming the partners there are', async () => {
    const { status, err } = await run(['nobody']);
    expect(status).toBe(2);
    expect(err).toContain('no partner "nobody"; the partners are: wire-east, digest-co');
  });

  it('refuses a malformed --since, two ids, and the report options on another command (exit status 2)', async () => {
    expect((await run(['--since', 'yesterday'])).status).toBe(2);
    expect((await run(['--since', 'yesterday'])).err).toContain('--since must be an ISO 8601 time');
    expect((await run(['wire-east', 'digest-co'])).status).toBe(2);
    const err: string[] = [];
    const status = await runPartnersCommand(['list', '--json'], {
      env: {},
      stderr: (l) => err.push(l),
      stdout: () => {},
    });
    expect(status).toBe(2);
    expect(err.join('\n')).toContain('--json is for report');
  });

  it('reads --since as a time or a span back from now', () => {
    const now = new Date('2026-12-07T12:00:00Z');
    expect(parseSince(undefined, now)).toEqual(new Date('2026-11-30T12:00:00Z'));
    expect(parseSince('24h', now)).toEqual(new Date('2026-12-06T12:00:00Z'));
    expect(parseSince('90m', now)).toEqual(new Date('2026-12-07T10:30:00Z'));
    expect(parseSince('2026-12-07T09:00:00Z', now)).toEqual(new Date('2026-12-07T09:00:00Z'));
    expect(() => parseSince('2026-12-08', now)).toThrow('in the future');
  });
});
