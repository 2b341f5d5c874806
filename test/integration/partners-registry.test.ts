import { createHmac } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPartnersCommand } from '../../src/cli/partners.ts';
import { configFrom, type PartnerConfig } from '../../src/config.ts';
import { LOCAL_NAMES, startLocalPipeline, type LocalPipeline } from '../../src/local/pipeline.ts';
import { partnerPath } from '../../src/partners/paths.ts';
import { PARTNER_REGISTRY_KEY } from '../../src/partners/registry.ts';
import { verifyWebhookSignature, webhookKey, webhookSignature } from '../../src/partners/webhooks.ts';
import { entryId } from '../../src/render/feeds/index.ts';
import { parseFeedText } from '../helpers/feedparser.ts';
import { markdown } from '../helpers/publish-harness.ts';

/*
 * `broadsheet partners ... --stack` against a running local pipeline (the emulators and the handlers Lambda runs),
 * through the command's own code: a partner added or rotated in the partner registry is what the next publish uses,
 * its feeds answer at once, a rotated path stops answering at once, and nothing of another partner moves.
 */

const SECRET = 'the partner secret of the registry tests, over 32 characters';
const PARTNERS = [
  { id: 'wire-east', name: 'Wire East', formats: ['atom', 'ninjs'], topics: ['ports'] },
  { id: 'digest-co', name: 'Digest Co-op', formats: ['json'], topics: ['economy'] },
];
const deployed = configFrom({ partners: PARTNERS }, 'test');

let pipeline: LocalPipeline;
let configFile: string;
let logFile: string;
let env: Record<string, string>;

beforeAll(async () => {
  const root = mkdtempSync(join(tmpdir(), 'broadsheet-partners-registry-'));
  logFile = join(root, 'functions.jsonl');
  writeFileSync(logFile, '');
  await new Promise<void>((resolve) => hook.server.listen(0, '127.0.0.1', resolve));
  hook.url = `http://127.0.0.1:${(hook.server.address() as AddressInfo).port}/broadsheet`;
  pipeline = await startLocalPipeline({ partners: deployed.partners, partnerSecret: SECRET, functionLogFile: logFile });
  // The configuration the stack was deployed with, as the desk keeps it.
  configFile = join(root, 'broadsheet.config.json');
  writeFileSync(configFile, JSON.stringify({ partners: PARTNERS }));
  env = {
    EDITORIALS_BUCKET: LOCAL_NAMES.editorials,
    PUBLIC_BUCKET: LOCAL_NAMES.site,
    BROADSHEET_LOCAL_ENDPOINTS: JSON.stringify(pipeline.emulators.endpoints),
    BROADSHEET_PARTNER_SECRET: SECRET,
  };
}, 60_000);
afterAll(async () => {
  await pipeline?.stop();
  await new Promise((resolve) => hook.server.close(resolve));
});

/** A partner's webhook receiver, up for the whole file: it accepts every delivery. */
const hook = {
  server: createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    req.on('end', () => {
      hook.received.push({ headers: req.headers, body });
      res.writeHead(204).end();
    });
  }),
  received: [] as { headers: IncomingHttpHeaders; body: string }[],
  url: '',
};

/** Runs `broadsheet partners <args> --stack --config <file>`; its exit status and what it printed. */
async function partners(...args: string[]): Promise<{ status: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const status = await runPartnersCommand([...args, '--stack', '--config', configFile], {
    env,
    stdout: (l) => out.push(l),
    stderr: (l) => err.push(l),
  });
  return { status, out: out.join('\n'), err: err.join('\n') };
}

let editorials = 0;
/** Approves an editorial in these topics and waits for the pipeline to finish with it; returns its slug. */
async function approve(topics: string[]): Promise<string> {
  const slug = `2026-06-${String(++editorials).padStart(2, '0')}-registry`;
  const body = markdown({
    title: `"Registry editorial ${editorials}"`,
    slug,
    published: `2026-06-${String(editorials).padStart(2, '0')}T06:00:00Z`,
    topics: `[${topics.join(', ')}]`,
  });
  await pipeline.editorials.put(`approved/${slug}.md`, body, { contentType: 'text/markdown; charset=utf-8' });
  await pipeline.settled();
  return slug;
}

const text = async (key: string) => {
  const object = await pipeline.site.get(key);
  return object && new TextDecoder().decode(object.body);
};
const keysUnder = async (prefix: string) => {
  const keys: string[] = [];
  for await (const summary of pipeline.site.list(prefix)) keys.push(summary.key);
  return keys;
};
/** Every object of the partner's folder, key and body: what the partner can read there. */
const folderOf = async (partner: Pick<PartnerConfig, 'id' | 'rotation'>) => {
  const keys = await keysUnder(`partners/${partnerPath(SECRET, partner)}/`);
  return Object.fromEntries(await Promise.all(keys.map(async (key) => [key, await text(key)] as const)));
};
const atomIds = (body: string | undefined) =>
  [...(body ?? '').matchAll(/<entry[\s>][\s\S]*?<id>([^<]*)<\/id>/g)].map((m) => m[1]);
const registry = async () =>
  JSON.parse(
    (await pipeline.editorials.get(PARTNER_REGISTRY_KEY).then((o) => o && new TextDecoder().decode(o.body))) ?? 'null',
  ) as { id: string; rotation: number }[] | null;
const config = () => pipeline.config;

describe('partners on the stack', () => {
  it('adds a partner: its feeds answer at once, and the next publish reaches it', async () => {
    const before = await approve(['ports']);
    const added = await partners(
      'add',
      'metro-daily',
      '--name',
      'Metro Daily',
      '--formats',
      'atom,json',
      '--topics',
      'ports',
    );
    expect(added.err).toBe('');
    expect(added.status).toBe(0);
    const metro = { id: 'metro-daily', rotation: 0 };
    expect(added.out).toContain(
      `Added metro-daily (Metro Daily) to s3://${LOCAL_NAMES.editorials}/${PARTNER_REGISTRY_KEY}: atom, json; topics ports; path partners/${partnerPath(SECRET, metro)}/`,
    );
    expect((await registry())?.map((p) => p.id)).toEqual(['wire-east', 'digest-co', 'metro-daily']);

    // At once: an empty but valid feed in each of its formats.
    const empty = await text(`partners/${partnerPath(SECRET, metro)}/atom.xml`);
    expect(parseFeedText(empty!).bozo).toBe(false);
    expect(atomIds(empty)).toEqual([]);
    expect(JSON.parse((await text(`partners/${partnerPath(SECRET, metro)}/feed.json`))!).items).toEqual([]);

    const slug = await approve(['ports']);
    expect(atomIds(await text(`partners/${partnerPath(SECRET, metro)}/atom.xml`))).toEqual([entryId(config(), slug)]);
    expect(atomIds(await text(`partners/${partnerPath(SECRET, { id: 'wire-east', rotation: 0 })}/atom.xml`))).toEqual([
      entryId(config(), slug),
      entryId(config(), before),
    ]);

    const listed = await partners('list');
    expect(listed.out).toContain(`Partners from s3://${LOCAL_NAMES.editorials}/${PARTNER_REGISTRY_KEY}:`);
    expect(listed.out).toContain(
      `metro-daily\tMetro Daily\n  formats  atom, json\n  topics   ports\n  path     partners/${partnerPath(SECRET, metro)}/  (rotation 0)`,
    );
  });

  it('rotates a partner: the old path has no object left, the new one serves its feed now, no other partner changes', async () => {
    const [wire, digest] = deployed.partners as [PartnerConfig, PartnerConfig];
    await approve(['economy']);
    const wireBefore = await folderOf(wire);
    const digestBefore = await folderOf(digest);
    const oldMetro = await folderOf({ id: 'metro-daily', rotation: 0 });
    expect(Object.keys(oldMetro).length).toBe(2);

    const rotated = await partners('rotate', 'metro-daily');
    expect(rotated.status).toBe(0);
    const [oldPath, newPath] = [
      partnerPath(SECRET, { id: 'metro-daily', rotation: 0 }),
      partnerPath(SECRET, { id: 'metro-daily', rotation: 1 }),
    ];
    expect(rotated.out).toBe(
      `Rotated metro-daily to rotation 1: its feeds are at partners/${newPath}/ now, and partners/${oldPath}/ no longer answers (2 objects deleted).`,
    );
    expect(await keysUnder(`partners/${oldPath}/`)).toEqual([]);
    expect(await text(`partners/${oldPath}/atom.xml`)).toBeUndefined();
    const moved = await folderOf({ id: 'metro-daily', rotation: 1 });
    // The same documents, naming their new place.
    expect(Object.values(moved)).toEqual(Object.values(oldMetro).map((body) => body!.replaceAll(oldPath, newPath)));
    expect(await folderOf(wire)).toEqual(wireBefore);
    expect(await folderOf(digest)).toEqual(digestBefore);

    // The next publish writes the new path only.
    const slug = await approve(['ports']);
    expect(atomIds(await text(`partners/${newPath}/atom.xml`))[0]).toBe(entryId(config(), slug));
    expect(await keysUnder(`partners/${oldPath}/`)).toEqual([]);
  });

  it('rotates a partner of the configuration the same way, once the registry holds it', async () => {
    const digest = deployed.partners[1]!;
    const before = await folderOf(digest);
    expect((await partners('rotate', 'digest-co')).status).toBe(0);
    expect(await folderOf(digest)).toEqual({});
    const after = await folderOf({ ...digest, rotation: 1 });
    expect(Object.keys(after).map((k) => k.split('/').pop())).toEqual(['feed.json']);
    expect(JSON.parse(Object.values(after)[0]!).items.map((i: { id: string }) => i.id)).toEqual(
      JSON.parse(Object.values(before)[0]!).items.map((i: { id: string }) => i.id),
    );
  });

  it('lands two adds made at the same moment, and refuses the second of two adds of one id', async () => {
    const add = (id: string, name: string) => partners('add', id, '--name', name, '--formats', 'ninjs');
    const [a, b] = await Promise.all([add('north-wire', 'North Wire'), add('south-wire', 'South Wire')]);
    expect([a.status, b.status]).toEqual([0, 0]);
    expect((await registry())?.map((p) => p.id)).toEqual(
      expect.arrayContaining(['wire-east', 'digest-co', 'metro-daily', 'north-wire', 'south-wire']),
    );
    expect((await registry())?.length).toBe(5);

    const [c, d] = await Promise.all([add('east-wire', 'East Wire'), add('east-wire', 'East Wire Again')]);
    expect([c.status, d.status].sort()).toEqual([0, 2]);
    expect([c.err, d.err].join('')).toContain('there is already a partner "east-wire"');
    expect((await registry())?.filter((p) => p.id === 'east-wire')).toHaveLength(1);
  });

  it('prints the webhook key a partner verifies Broadsheet-Signature with', async () => {
    const printed = await partners('webhook-key', 'wire-east');
    expect(printed.status).toBe(0);
    const [key, how] = printed.out.split('\n');
    expect(key).toBe(webhookKey(SECRET, 'wire-east'));
    expect(how).toContain('Broadsheet-Signature: t=<unix seconds>,v2=<hex>');
    // What a partner would do with it: recompute v2 over "<t>.<event id>.<body>" and compare with what the worker sends.
    const body = '{"uri":"https://monexus.example/editorials/x/"}';
    const at = new Date('2026-07-01T00:00:00Z');
    const sent = webhookSignature(webhookKey(SECRET, 'wire-east'), { eventId: 'e1', body }, at);
    const t = Math.floor(at.getTime() / 1000);
    expect(sent).toBe(`t=${t},v2=${createHmac('sha256', key!).update(`${t}.e1.${body}`).digest('hex')}`);
    expect(verifyWebhookSignature(key!, { eventId: 'e1', body }, sent, at)).toBe(true);
    expect((await partners('webhook-key', 'nobody')).err).toContain('no partner "nobody"');
  });

  it('POSTs each change to the webhook of a partner added on the stack, signed with the key webhook-key prints', async () => {
    expect(
      (
        await partners(
          'add',
          'hook-news',
          '--name',
          'Hook News',
          '--formats',
          'ninjs',
          '--topics',
          'ports',
          '--webhook',
          hook.url,
        )
      ).status,
    ).toBe(0);
    const slug = await approve(['ports']);
    const key = (await partners('webhook-key', 'hook-news')).out.split('\n')[0]!;
    expect(hook.received).toHaveLength(1);
    const [delivery] = hook.received;
    expect(JSON.parse(delivery!.body).uri).toContain(slug);
    expect(
      verifyWebhookSignature(
        key,
        { eventId: String(delivery!.headers['broadsheet-event-id']), body: delivery!.body },
        String(delivery!.headers['broadsheet-signature']),
        new Date(),
      ),
    ).toBe(true);
  });

  it('refuses the stack without its partner secret, and says how to get it', async () => {
    const out: string[] = [];
    const { BROADSHEET_PARTNER_SECRET: _, ...withoutSecret } = env;
    const status = await runPartnersCommand(['list', '--stack'], {
      env: { ...withoutSecret, BROADSHEET_PARTNER_SECRET_ARN: 'arn:aws:secretsmanager:us-east-1:1:secret:p' },
      stdout: () => {},
      stderr: (l) => out.push(l),
    });
    expect(status).toBe(2);
    expect(out.join('')).toContain(
      'BROADSHEET_PARTNER_SECRET="$(aws secretsmanager get-secret-value --secret-id arn:aws:secretsmanager:us-east-1:1:secret:p',
    );
  });

  it('holds every partner feed back on a malformed registry, says which object and why, and publishes everything else', async () => {
    const wire = deployed.partners[0]!;
    const good = (await pipeline.editorials.get(PARTNER_REGISTRY_KEY))!;
    const wireBefore = await folderOf(wire);
    await pipeline.editorials.put(
      PARTNER_REGISTRY_KEY,
      JSON.stringify([{ id: 'Wire East', name: 'Wire East', formats: ['atom'] }]),
      { contentType: 'application/json' },
    );
    const slug = await approve(['ports']);

    // Readers get it: the page and the public feed.
    expect(await text(`editorials/${slug}/index.html`)).toContain('Registry editorial');
    expect(await text('feeds/atom.xml')).toContain(entryId(config(), slug));
    // No partner does, and the publish function's log says why, naming the object.
    expect(await folderOf(wire)).toEqual(wireBefore);
    const logged = readFileSync(logFile, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    const held = logged.filter(
      (line) => line.level === 'error' && String(line.msg ?? line.message).includes('partner registry is malformed'),
    );
    expect(held.length).toBeGreaterThan(0);
    expect(JSON.stringify(held[0])).toContain(`s3://${LOCAL_NAMES.editorials}/${PARTNER_REGISTRY_KEY}`);
    expect(JSON.stringify(held[0])).toContain('partners[0].id must be 1 to 40 lower-case letters');
    // The desk sees the same.
    const listed = await partners('list');
    expect(listed.status).toBe(2);
    expect(listed.err).toContain(`s3://${LOCAL_NAMES.editorials}/${PARTNER_REGISTRY_KEY}: invalid partner registry`);

    // Fixed, the same editorial delivered again reaches the partner.
    await pipeline.editorials.put(PARTNER_REGISTRY_KEY, good.body, { contentType: 'application/json' });
    await pipeline.editorials.put(`approved/${slug}.md`, (await pipeline.editorials.get(`approved/${slug}.md`))!.body, {
      contentType: 'text/markdown; charset=utf-8',
    });
    await pipeline.settled();
    expect(atomIds(await text(`partners/${partnerPath(SECRET, wire)}/atom.xml`))[0]).toBe(entryId(config(), slug));
  });

  it('sends a removed partner with a webhook a tombstone for each item it held, then nothing more', async () => {
    expect(
      (
        await partners(
          'add',
          'leaving-news',
          '--name',
          'Leaving News',
          '--formats',
          'ninjs',
          '--topics',
          'ports',
          '--webhook',
          hook.url,
        )
      ).status,
    ).toBe(0);
    const held = await approve(['ports']);
    const key = (await partners('webhook-key', 'leaving-news')).out.split('\n')[0]!;
    hook.received.length = 0;
    const out: string[] = [];
    const status = await runPartnersCommand(['remove', 'leaving-news', '--stack', '--config', configFile], {
      env: { ...env, WEBHOOK_QUEUE_URL: pipeline.runtime.webhookQueueUrl! },
      stdout: (line) => out.push(line),
      stderr: () => {},
    });
    expect(status).toBe(0);
    expect(out.join('')).toMatch(/Its webhook is sent \d+ tombstones/);
    await pipeline.settled();
    const tombstones = hook.received.map((d) => ({
      item: JSON.parse(d.body) as { uri: string; pubStatus: string },
      d,
    }));
    expect(tombstones.length).toBeGreaterThan(0);
    expect(tombstones.every(({ item }) => item.pubStatus === 'canceled')).toBe(true);
    expect(tombstones.some(({ item }) => item.uri.includes(held))).toBe(true);
    for (const { d } of tombstones) {
      const delivery = { eventId: String(d.headers['broadsheet-event-id']), body: d.body };
      expect(verifyWebhookSignature(key, delivery, String(d.headers['broadsheet-signature']), new Date())).toBe(true);
    }
    // The next change goes to the partners still there (the receiver serves another one too), none to this one.
    hook.received.length = 0;
    await approve(['ports']);
    const signedForIt = hook.received.filter((d) =>
      verifyWebhookSignature(
        key,
        { eventId: String(d.headers['broadsheet-event-id']), body: d.body },
        String(d.headers['broadsheet-signature']),
        new Date(),
      ),
    );
    expect(signedForIt).toEqual([]);
  });

  it('removes a partner: nothing is left at its path or in its catalogue scope, the next publish skips it, and its id starts afresh when added again', async () => {
    const hookNews = { id: 'gone-wire', rotation: 0 };
    expect(
      (await partners('add', 'gone-wire', '--name', 'Gone Wire', '--formats', 'ninjs', '--topics', 'ports')).status,
    ).toBe(0);
    await approve(['ports']);
    const wireBefore = await folderOf(deployed.partners[0]!);
    expect(Object.keys(await folderOf(hookNews)).length).toBeGreaterThan(0);
    const removed = await partners('remove', 'gone-wire');
    expect(removed.err).toBe('');
    expect(removed.status).toBe(0);
    expect(removed.out).toContain(
      `Removed gone-wire from s3://${LOCAL_NAMES.editorials}/${PARTNER_REGISTRY_KEY}: partners/${partnerPath(SECRET, hookNews)}/ no longer answers (1 objects deleted;`,
    );
    expect((await registry())?.map((p) => p.id)).not.toContain('gone-wire');
    expect(await folderOf(hookNews)).toEqual({});
    const scope: string[] = [];
    for await (const summary of pipeline.editorials.list('catalogue/partners/gone-wire/')) scope.push(summary.key);
    expect(scope).toEqual([]);
    // No other partner moved.
    expect(await folderOf(deployed.partners[0]!)).toEqual(wireBefore);

    const slug = await approve(['ports']);
    expect(await folderOf(hookNews)).toEqual({});
    expect((await partners('remove', 'gone-wire')).err).toContain('no partner "gone-wire"');

    // Added again, the id has no past: an empty feed, then the next editorial alone.
    expect(
      (await partners('add', 'gone-wire', '--name', 'Gone Wire', '--formats', 'ninjs', '--topics', 'ports')).status,
    ).toBe(0);
    const again = await approve(['ports']);
    const ninjs = JSON.parse((await text(`partners/${partnerPath(SECRET, hookNews)}/ninjs.json`))!) as
      | { items?: { uri: string }[] }
      | { uri: string }[];
    const uris = JSON.stringify(ninjs);
    expect(uris).toContain(again);
    expect(uris).not.toContain(slug);
  });
});
