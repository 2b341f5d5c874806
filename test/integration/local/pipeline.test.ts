import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { subscriberWiring } from '../../../src/app/subscriber-wiring.ts';
import { startLocalPipeline, type LocalPipeline } from '../../../src/local/pipeline.ts';
import { importSubscribers } from '../../../src/subscribers/import-export.ts';

const SAMPLES = join(import.meta.dirname, '../../../samples');
const text = (body: Uint8Array | undefined) => new TextDecoder().decode(body);

describe('two local pipelines in one process', () => {
  let one: LocalPipeline;
  let two: LocalPipeline;
  beforeAll(async () => {
    [one, two] = await Promise.all([startLocalPipeline(), startLocalPipeline()]);
  });
  afterAll(async () => {
    await Promise.all([one?.stop(), two?.stop()]);
  });

  it('keep their own storage, subscribers, keys and mail: each handler is built from its own configuration', async () => {
    expect(one.runtime.endpoints.s3?.url).not.toBe(two.runtime.endpoints.s3?.url);
    expect(one.runtime.tokenSecret).not.toBe(two.runtime.tokenSecret);
    const seed = (local: LocalPipeline, address: string) =>
      importSubscribers(
        subscriberWiring(local.runtime, 'import'),
        `email,topics,consent_at,source\n${address},,2026-05-01,test\n`,
        { sourceName: 'test.csv' },
      );
    await seed(one, 'reader.one@one.example');
    await seed(two, 'reader.two@two.example');

    const approve = async (local: LocalPipeline, name: string) => {
      await local.editorials.put(`approved/${name}`, readFileSync(join(SAMPLES, name)), {
        contentType: 'text/plain; charset=utf-8',
      });
      await local.settled();
    };
    await Promise.all([approve(one, '2026-06-02-grain-corridor.txt'), approve(two, '2026-06-03-energy-grid.md')]);

    const feedOne = text((await one.site.get('feeds/feed.json'))?.body);
    const feedTwo = text((await two.site.get('feeds/feed.json'))?.body);
    expect(JSON.parse(feedOne).items.map((i: { id: string }) => i.id)).toEqual([
      expect.stringContaining('2026-06-02-grain-corridor'),
    ]);
    expect(JSON.parse(feedTwo).items.map((i: { id: string }) => i.id)).toEqual([
      expect.stringContaining('2026-06-03-energy-grid'),
    ]);

    // aws-ses-v2-local keeps one mail store per process, so both pipelines' mail is listed together here.
    const mail = await one.emulators.sentMail();
    const sent = mail.map((m) => `${m.destination.to.join()} ${m.subject}`);
    expect(sent.filter((line) => line.startsWith('reader.one@one.example'))).toEqual([
      expect.stringMatching(/grain|corridor/i),
    ]);
    expect(sent.filter((line) => line.startsWith('reader.two@two.example'))).toEqual([
      expect.stringMatching(/energy|grid/i),
    ]);
  });
});
