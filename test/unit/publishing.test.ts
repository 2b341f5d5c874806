// What the publish function makes of an editorial over its life: a rejection, corrections, a withdrawal, an embargo.
// Over stores in memory; test/integration/publish.test.ts publishes the samples through the S3 adapter on s3rver.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseEditorial } from '../../src/parse/index.ts';
import { entryId } from '../../src/render/feeds/index.ts';
import { makeEditorial } from '../fixtures/editorial.ts';
import {
  config,
  decodeIndexEntry,
  deserialiseEditorial,
  feedLinks,
  markdown,
  memoryStage,
  pageUrl,
  releaseEmbargoed,
  serialiseEditorial,
  sorted,
  type Stage,
  type StoredEmailTemplate,
} from '../helpers/publish-harness.ts';

const parseOptions = (date: Date) => ({
  publication: config.publication.name,
  defaultLang: config.publication.language,
  date,
  limits: config.limits,
});
const epochSeconds = (iso: string) => Math.floor(new Date(iso).getTime() / 1000);

async function indexEntry(stage: Stage, slug: string) {
  const text = await stage.text(stage.editorials, `index/${slug}.json`);
  if (text === undefined) throw new Error(`no index entry for ${slug}`);
  return decodeIndexEntry(text);
}

async function template(stage: Stage, key: string): Promise<StoredEmailTemplate> {
  const text = await stage.text(stage.editorials, key);
  if (text === undefined) throw new Error(`no template at ${key}`);
  return JSON.parse(text) as StoredEmailTemplate;
}

describe('the serialised editorial', () => {
  it('reads back equal to the editorial, dates included, as JSON with ISO dates', () => {
    const editorial = makeEditorial({ embargo: new Date('2026-06-05T00:00:00Z'), resend: true, topics: ['ports'] });
    const json = JSON.parse(JSON.stringify(serialiseEditorial(editorial))) as Record<string, unknown>;
    expect(json.published).toBe('2026-06-04T00:00:00.000Z');
    expect(json.embargo).toBe('2026-06-05T00:00:00.000Z');
    expect(deserialiseEditorial(json)).toEqual(editorial);
  });

  it('written by an earlier version with a word count, still reads back, without it', () => {
    const editorial = makeEditorial();
    const earlier = { ...JSON.parse(JSON.stringify(serialiseEditorial(editorial))), wordCount: 30 };
    expect(deserialiseEditorial(earlier)).toEqual(editorial);
  });
});

describe('an invalid editorial', () => {
  it('gets a rejection record the desk can read, stays byte for byte where it was, and nothing goes public', async () => {
    const stage = await memoryStage();
    const name = '2026-06-10-source-ftp.txt';
    const bytes = readFileSync(new URL(`../fixtures/invalid/${name}`, import.meta.url));
    const key = await stage.upload(name, bytes);
    const expected = parseEditorial(name, bytes, parseOptions(new Date()));
    if (expected.ok) throw new Error('the fixture should be invalid');

    const outcome = await stage.publish(key);

    expect(outcome).toEqual({ outcome: 'rejected', line: expected.rejection.line, reason: expected.rejection.reason });
    const record = JSON.parse((await stage.text(stage.editorials, `rejected/${name}.json`))!) as Record<
      string,
      unknown
    >;
    expect(record).toEqual({
      file: key,
      line: expected.rejection.line,
      reason: expected.rejection.reason,
      time: stage.clock.now().toISOString(),
    });
    expect(record.line).toBeGreaterThan(0);
    expect(record.reason).toMatch(/ftp/i);
    expect(Buffer.compare(Buffer.from((await stage.editorials.get(key))!.body), bytes)).toBe(0);
    expect(await stage.keys(stage.site, '')).toEqual([]);
    expect(await stage.keys(stage.editorials, 'index/')).toEqual([]);
    expect(stage.planned).toEqual([]);
    const warning = stage.logs.find((l) => l.message === 'editorial rejected');
    expect(warning).toMatchObject({
      level: 'warn',
      file: key,
      line: expected.rejection.line,
      reason: expected.rejection.reason,
    });
  });

  it('once fixed and uploaded again, is published and its rejection record goes away', async () => {
    const stage = await memoryStage();
    const name = '2026-06-10-harbour.txt';
    const broken =
      'Harbour talks\nPara one of the editorial, long enough to be a paragraph.\nWire provenance\n- ftp://files.example.org/x.pdf\n';
    await stage.publish(await stage.upload(name, broken));
    expect(await stage.keys(stage.editorials, 'rejected/')).toEqual([`rejected/${name}.json`]);

    const outcome = await stage.publish(await stage.upload(name, broken.replace('ftp://', 'https://')));

    expect(outcome).toMatchObject({ outcome: 'published', slug: '2026-06-10-harbour' });
    expect(await stage.keys(stage.editorials, 'rejected/')).toEqual([]);
    expect(feedLinks(await stage.feeds()).atom).toEqual([pageUrl('2026-06-10-harbour')]);
  });
});

describe('corrections', () => {
  const name = '2026-06-20-harbour-talks.md';
  const slug = '2026-06-20-harbour-talks';
  const first = markdown({ title: 'Harbour talks stall', published: '2026-06-20T06:00:00Z', topics: '[ports]' });
  const corrected = (fields: Record<string, string>) =>
    markdown({
      title: 'Harbour talks stall, corrected',
      published: '2026-06-20T06:00:00Z',
      topics: '[ports]',
      correction: '"An earlier version misnamed the port."',
      ...fields,
    });

  it('update the page and every feed under the same id with a later updated, and send no second email', async () => {
    const stage = await memoryStage();
    await stage.publish(await stage.upload(name, first));
    const before = await stage.feeds();

    const outcome = await stage.publish(await stage.upload(name, corrected({ updated: '2026-06-20T09:30:00Z' })));

    expect(outcome).toEqual({ outcome: 'corrected', slug });
    const after = await stage.feeds();
    expect(after.atom.entries.map((e) => e.id)).toEqual([entryId(config, slug)]);
    expect(after.atom.entries.map((e) => e.id)).toEqual(before.atom.entries.map((e) => e.id));
    expect(after.rss.entries.map((e) => e.id)).toEqual(before.rss.entries.map((e) => e.id));
    expect(after.json.items.map((i) => i.id)).toEqual(before.json.items.map((i) => i.id));
    expect(before.atom.entries[0]!.updated_iso).toBe('2026-06-20T06:00:00Z');
    expect(after.atom.entries[0]!.updated_iso).toBe('2026-06-20T09:30:00Z');
    expect(after.atom.entries[0]!.published_iso).toBe('2026-06-20T06:00:00Z');
    expect(after.atom.entries[0]!.title).toBe('Harbour talks stall, corrected');
    expect(after.json.items[0]!.date_modified).toBe('2026-06-20T09:30:00Z');
    const page = await stage.text(stage.site, `editorials/${slug}/index.html`);
    expect(page).toContain('Harbour talks stall, corrected');
    expect(page).toContain('An earlier version misnamed the port.');

    expect(stage.planned.map((r) => r.dispatchId)).toEqual([slug]);
    expect((await template(stage, `rendered/${slug}/${slug}/email.json`)).subject).toBe('Harbour talks stall');
  });

  it('with resend: true go out again under a new dispatch id, once however often the event comes', async () => {
    const stage = await memoryStage();
    await stage.publish(await stage.upload(name, first));
    const key = await stage.upload(name, corrected({ updated: '2026-06-20T09:30:00Z', resend: 'true' }));

    const outcome = await stage.publish(key);
    await stage.publish(key);

    const dispatchId = `${slug}~${epochSeconds('2026-06-20T09:30:00Z')}`;
    expect(outcome).toEqual({ outcome: 'corrected', slug, dispatchId });
    expect(stage.planned).toEqual([
      {
        dispatchId: slug,
        slug,
        templateKey: `rendered/${slug}/${slug}/email.json`,
        topics: ['ports'],
        publicAt: expect.any(String),
      },
      {
        dispatchId,
        slug,
        templateKey: `rendered/${slug}/${dispatchId}/email.json`,
        topics: ['ports'],
        publicAt: expect.any(String),
      },
    ]);
    expect((await template(stage, `rendered/${slug}/${dispatchId}/email.json`)).subject).toBe(
      'Harbour talks stall, corrected',
    );
    expect((await template(stage, `rendered/${slug}/${slug}/email.json`)).subject).toBe('Harbour talks stall');
  });

  it('a correction sent again goes by the time it became public, as the digests list it', async () => {
    const stage = await memoryStage({ now: new Date('2026-06-10T08:00:00Z') });
    await stage.publish(await stage.upload(name, first));
    stage.clock.set(new Date('2026-06-20T10:00:00Z'));
    await stage.publish(await stage.upload(name, corrected({ updated: '2026-06-20T09:30:00Z', resend: 'true' })));
    // A reader who moved to a digest between the two is decided by the correction's time: the digest then lists it.
    expect(stage.planned.map((r) => r.publicAt)).toEqual(['2026-06-10T08:00:00.000Z', '2026-06-20T10:00:00.000Z']);
  });

  it('asking resend without a later updated send nothing new', async () => {
    const stage = await memoryStage();
    await stage.publish(await stage.upload(name, first));
    await stage.publish(await stage.upload(name, corrected({ resend: 'true' })));
    expect(stage.planned.map((r) => r.dispatchId)).toEqual([slug]);
  });

  it('of a plain-text editorial keep its first publication date and take the upload time as updated', async () => {
    const stage = await memoryStage();
    const textName = '2026-06-21-grain.txt';
    const body = (title: string) =>
      `${title}\nThe convoy left at dawn, and the insurers watched.\nWire provenance\n- https://t.me/ukr_seaports\n`;
    const key = await stage.upload(textName, body('Grain convoy sails'));
    await stage.publish(key);
    const firstUpload = (await stage.editorials.get(key))!.lastModified;
    // S3 keeps upload times to the second: wait for the next one so the correction is visibly later.
    await stage.nextUploadSecond();
    await stage.upload(textName, body('Grain convoy sails, corrected'));
    const secondUpload = (await stage.editorials.get(key))!.lastModified;

    expect(await stage.publish(key)).toEqual({ outcome: 'corrected', slug: '2026-06-21-grain' });

    const [entry] = (await stage.feeds()).atom.entries;
    expect(entry!.title).toBe('Grain convoy sails, corrected');
    expect(entry!.published_iso).toBe(firstUpload.toISOString().replace('.000', ''));
    expect(entry!.updated_iso).toBe(secondUpload.toISOString().replace('.000', ''));
    expect(secondUpload.getTime()).toBeGreaterThan(firstUpload.getTime());
    expect(stage.planned).toHaveLength(1);
  });

  it('arriving out of order never let an older version replace a newer one', async () => {
    const stage = await memoryStage();
    const version = (title: string, updated: string) =>
      markdown({ title, slug: '2026-06-22-harbour', published: '2026-06-22T06:00:00Z', updated });
    const older = await stage.upload('2026-06-22-harbour.md', version('Harbour, first take', '2026-06-22T08:00:00Z'));
    const newer = await stage.upload(
      '2026-06-22-harbour-fixed.md',
      version('Harbour, second take', '2026-06-22T10:00:00Z'),
    );

    expect((await stage.publish(newer)).outcome).toBe('published');
    expect(await stage.publish(older)).toEqual({ outcome: 'stale', slug: '2026-06-22-harbour' });

    expect((await stage.feeds()).atom.entries.map((e) => e.title)).toEqual(['Harbour, second take']);
    expect(await stage.text(stage.site, 'editorials/2026-06-22-harbour/index.html')).toContain('Harbour, second take');
    expect((await indexEntry(stage, '2026-06-22-harbour')).sourceKey).toBe(newer);
  });
});

describe('withdrawal', () => {
  it('removing the approved object takes the editorial out of the feeds and leaves a withdrawn page', async () => {
    const stage = await memoryStage();
    const kept = await stage.upload(
      '2026-06-23-kept.md',
      markdown({ title: 'Kept', published: '2026-06-23T06:00:00Z' }),
    );
    const gone = await stage.upload(
      '2026-06-23-gone.md',
      markdown({ title: 'Gone soon', published: '2026-06-23T07:00:00Z' }, 'A body that will be taken down.'),
    );
    await stage.publish(kept);
    await stage.publish(gone);
    expect(sorted(feedLinks(await stage.feeds()).atom)).toEqual(
      sorted([pageUrl('2026-06-23-kept'), pageUrl('2026-06-23-gone')]),
    );

    await stage.remove(gone);
    expect(await stage.publish(gone, 'removed')).toEqual({ outcome: 'withdrawn', slug: '2026-06-23-gone' });
    expect(await stage.publish(gone, 'removed')).toEqual({ outcome: 'withdrawn', slug: '2026-06-23-gone' });
    expect(await stage.publish(gone, 'created')).toEqual({ outcome: 'missing' });

    const links = feedLinks(await stage.feeds());
    expect(links).toEqual({
      rss: [pageUrl('2026-06-23-kept')],
      atom: [pageUrl('2026-06-23-kept')],
      json: [pageUrl('2026-06-23-kept')],
    });
    const page = await stage.text(stage.site, 'editorials/2026-06-23-gone/index.html');
    expect(page).toContain('has withdrawn this editorial');
    expect(page).not.toContain('A body that will be taken down.');
    const ninjs = JSON.parse((await stage.text(stage.site, 'editorials/2026-06-23-gone/ninjs.json'))!) as {
      pubStatus: string;
    };
    expect(ninjs.pubStatus).toBe('canceled');
    expect(stage.planned.map((r) => r.dispatchId)).toEqual(['2026-06-23-kept', '2026-06-23-gone']);
  });

  it('uploading a removed editorial again republishes it without a second email', async () => {
    const stage = await memoryStage();
    const body = markdown({ title: 'Back again', published: '2026-06-24T06:00:00Z' });
    const key = await stage.upload('2026-06-24-back.md', body);
    await stage.publish(key);
    await stage.remove(key);
    await stage.publish(key, 'removed');
    expect(feedLinks(await stage.feeds()).atom).toEqual([]);

    await stage.nextUploadSecond(); // a new upload time, to the second as S3 keeps it
    await stage.upload('2026-06-24-back.md', body);
    expect(await stage.publish(key, 'removed')).toMatchObject({ outcome: 'ignored' });
    expect((await stage.publish(key)).outcome).toBe('corrected');

    expect(feedLinks(await stage.feeds()).atom).toEqual([pageUrl('2026-06-24-back')]);
    expect(await stage.text(stage.site, 'editorials/2026-06-24-back/index.html')).not.toContain(
      'has withdrawn this editorial',
    );
    expect(stage.planned.map((r) => r.dispatchId)).toEqual(['2026-06-24-back']);
  });

  it('status: withdrawn keeps an editorial out of the feeds and out of the mail; publishing it later sends it once', async () => {
    const stage = await memoryStage();
    const name = '2026-06-25-pulled.md';
    const key = await stage.upload(
      name,
      markdown({ title: 'Pulled', published: '2026-06-25T06:00:00Z', status: 'withdrawn' }),
    );
    expect((await stage.publish(key)).outcome).toBe('published');

    expect((await indexEntry(stage, '2026-06-25-pulled')).editorial.status).toBe('withdrawn');
    expect(feedLinks(await stage.feeds()).atom).toEqual([]);
    expect(await stage.text(stage.site, 'editorials/2026-06-25-pulled/index.html')).toContain(
      'has withdrawn this editorial',
    );
    expect(stage.planned).toEqual([]);

    await stage.upload(
      name,
      markdown({ title: 'Pulled, then run', published: '2026-06-25T06:00:00Z', updated: '2026-06-25T09:00:00Z' }),
    );
    expect(await stage.publish(key)).toEqual({
      outcome: 'corrected',
      slug: '2026-06-25-pulled',
      dispatchId: '2026-06-25-pulled',
    });
    expect(feedLinks(await stage.feeds()).atom).toEqual([pageUrl('2026-06-25-pulled')]);
    expect(stage.planned.map((r) => r.dispatchId)).toEqual(['2026-06-25-pulled']);
  });
});

describe('embargo', () => {
  it('holds the page, the feeds and the send until releaseEmbargoed runs past it, then releases them once', async () => {
    const stage = await memoryStage({ now: new Date('2026-07-01T00:00:00Z') });
    const slug = '2026-07-01-summit';
    const key = await stage.upload(
      `${slug}.md`,
      markdown({ title: 'Summit terms', published: '2026-07-01T00:00:00Z', embargo: '2026-07-02T06:00:00Z' }),
    );

    expect(await stage.publish(key)).toEqual({ outcome: 'published', slug });
    expect((await indexEntry(stage, slug)).editorial.embargo).toEqual(new Date('2026-07-02T06:00:00Z'));
    expect(feedLinks(await stage.feeds()).atom).toEqual([]);
    expect(await stage.keys(stage.site, 'editorials/')).toEqual([]);
    expect(await stage.keys(stage.editorials, 'rendered/')).toEqual([]);
    expect(stage.planned).toEqual([]);

    stage.clock.set(new Date('2026-07-02T05:59:59Z'));
    expect(await releaseEmbargoed(stage.deps)).toEqual([]);
    expect(stage.planned).toEqual([]);

    stage.clock.set(new Date('2026-07-02T06:00:00Z'));
    expect(await releaseEmbargoed(stage.deps)).toEqual([slug]);
    expect(await releaseEmbargoed(stage.deps)).toEqual([]);
    await stage.publish(key);

    expect(stage.planned.map((r) => r.dispatchId)).toEqual([slug]);
    expect(feedLinks(await stage.feeds()).atom).toEqual([pageUrl(slug)]);
    expect(await stage.text(stage.site, `editorials/${slug}/index.html`)).toContain('Summit terms');
    const ninjs = JSON.parse((await stage.text(stage.site, `editorials/${slug}/ninjs.json`))!) as { pubStatus: string };
    expect(ninjs.pubStatus).toBe('usable');
  });

  it('tells the planner when the editorial became public: when the pipeline published it, or released it', async () => {
    const stage = await memoryStage({ now: new Date('2099-01-01T00:00:00Z') });
    const now = await stage.upload(
      '2099-01-01-open.md',
      markdown({ title: 'Open now', published: '2099-01-01T00:00:00Z' }),
    );
    await stage.publish(now);
    expect(stage.planned.map((r) => r.publicAt)).toEqual(['2099-01-01T00:00:00.000Z']);

    const held = await stage.upload(
      '2099-01-01-held.md',
      markdown({ title: 'Held back', published: '2099-01-01T00:00:00Z', embargo: '2099-01-02T06:00:00Z' }),
    );
    await stage.publish(held);
    // Released by a run a while after the embargo: public from that run, as the site and the digests have it.
    stage.clock.set(new Date('2099-01-02T06:20:00Z'));
    expect(await releaseEmbargoed(stage.deps)).toEqual(['2099-01-01-held']);
    expect(stage.planned.at(-1)?.publicAt).toBe('2099-01-02T06:20:00.000Z');
  });
});
