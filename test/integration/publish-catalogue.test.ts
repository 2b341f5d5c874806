// WebSub on the publish stage, against a hub served over HTTP: the hub is named in every subscription document and
// told of every change. test/unit/publishing-catalogue.test.ts covers the catalogue itself.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSubHub } from '../../src/adapters/websub-hub.ts';
import type { Clock } from '../../src/ports.ts';
import { catalogueConfig as config, ids, publishAll, reachable, site, slugOf } from '../helpers/catalogue-stage.ts';
import { memoryStage } from '../helpers/publish-harness.ts';

describe('WebSub', () => {
  let hub: Server;
  let hubUrl: string;
  const pings: string[] = [];
  let failNext = 0;
  const instant: Clock = { now: () => new Date(), sleep: async () => {} };

  beforeAll(async () => {
    hub = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        if (failNext > 0) {
          failNext--;
          res.writeHead(503).end();
          return;
        }
        const form = new URLSearchParams(body);
        if (form.get('hub.mode') === 'publish') pings.push(form.get('hub.url') ?? '');
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => hub.listen(0, '127.0.0.1', resolve));
    hubUrl = `http://127.0.0.1:${(hub.address() as AddressInfo).port}/`;
  });
  afterAll(() => new Promise<void>((resolve) => hub.close(() => resolve())));

  it('names the hub in every subscription document and tells it of each publish, correction and withdrawal', async () => {
    const withHub = config({ websub: { hub: hubUrl } });
    const stage = await memoryStage({
      config: withHub,
      hub: new WebSubHub(hubUrl, { clock: instant, allowLocal: true }),
    });
    failNext = 2;
    pings.length = 0;
    await publishAll(stage, [1]);
    const feeds = ['feeds/rss.xml', 'feeds/atom.xml', 'feeds/feed.json'];
    const topicFeeds = feeds.map((f) => `topics/economy/${f}`);
    expect([...pings].sort()).toEqual([...feeds, ...topicFeeds].map(site).sort());
    const atom = (await stage.text(stage.site, 'feeds/atom.xml'))!;
    expect(atom).toContain(`<link rel="hub" href="${hubUrl}"/>`);
    expect(atom).toContain(`<link rel="self" type="application/atom+xml" href="${site('feeds/atom.xml')}"/>`);
    expect(await stage.text(stage.site, 'feeds/rss.xml')).toContain(`<atom:link href="${hubUrl}" rel="hub"/>`);
    expect(JSON.parse((await stage.text(stage.site, 'feeds/feed.json'))!).hubs).toEqual([
      { type: 'WebSub', url: hubUrl },
    ]);

    pings.length = 0;
    const key = `approved/${slugOf(1)}.md`;
    await stage.editorials.delete(key);
    expect((await stage.publish(key, 'removed')).outcome).toBe('withdrawn');
    expect([...pings].sort()).toEqual([...feeds, ...topicFeeds].map(site).sort());
  }, 60_000);

  it('publishes even when the hub cannot be told, and says so in the log', async () => {
    const deadHub = 'http://127.0.0.1:9/';
    const stage = await memoryStage({
      config: config({ websub: { hub: deadHub } }),
      hub: new WebSubHub(deadHub, { clock: instant }),
    });
    await publishAll(stage, [1]);
    expect(await reachable(stage)).toEqual(ids([1]));
    expect(stage.logs.find((l) => l.level === 'error')?.message).toMatch(/WebSub hub could not be told/);
  });
});
