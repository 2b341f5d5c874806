// An email sent later than its editorial goes public (front matter `email: { sendAt }`): the page and feeds go out
// at once, the desk sees the send as scheduled (and may cancel it), and the scheduled run after sendAt plans it.
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/log.ts';
import { cancelDispatch, dispatchStatus } from '../../src/pipeline/dispatch/desk-operations.ts';
import { scheduleDispatch } from '../../src/pipeline/dispatch/dispatch-register.ts';
import { parseEditorial } from '../../src/parse/index.ts';
import { MemoryTable } from '../helpers/memory-table.ts';
import { config, markdown, memoryStage, releaseEmbargoed } from '../helpers/publish-harness.ts';

describe('an email scheduled apart from its page', () => {
  it('waits for email.sendAt while the page and feeds are public, shows as scheduled, and is planned once after it', async () => {
    const stage = await memoryStage({ now: new Date('2026-07-01T06:00:00Z') });
    const ledger = new MemoryTable();
    stage.deps.scheduleDispatch = (request) => scheduleDispatch(ledger, request, stage.clock.now());
    const slug = '2026-07-01-morning-note';
    const key = await stage.upload(
      `${slug}.md`,
      markdown({
        title: 'A morning note',
        published: '2026-07-01T05:00:00Z',
        email: '{ sendAt: 2026-07-01T08:00:00Z }',
      }),
    );

    expect(await stage.publish(key)).toMatchObject({ outcome: 'published', slug });
    expect(await stage.text(stage.site, `editorials/${slug}/index.html`)).toContain('A morning note');
    expect((await stage.feeds()).json.items.map((i) => i.id)).toHaveLength(1);
    expect(stage.planned).toEqual([]);
    expect(await dispatchStatus(ledger, slug)).toMatchObject({
      state: 'scheduled',
      sendAt: '2026-07-01T08:00:00.000Z',
      recipients: null,
    });
    expect(await stage.keys(stage.editorials, 'scheduled-sends/')).toEqual([`scheduled-sends/${slug}.json`]);

    stage.clock.set(new Date('2026-07-01T07:59:00Z'));
    await releaseEmbargoed(stage.deps);
    expect(stage.planned).toEqual([]);

    stage.clock.set(new Date('2026-07-01T08:04:00Z'));
    await releaseEmbargoed(stage.deps);
    expect(stage.planned.map((r) => r.dispatchId)).toEqual([slug]);
    expect(await stage.keys(stage.editorials, 'scheduled-sends/')).toEqual([]);
    await releaseEmbargoed(stage.deps);
    expect(stage.planned).toHaveLength(1);
  });

  it('a scheduled send the desk cancels is refused a resume, and its stop reaches the planner', async () => {
    const stage = await memoryStage({ now: new Date('2026-07-02T06:00:00Z') });
    const ledger = new MemoryTable();
    stage.deps.scheduleDispatch = (request) => scheduleDispatch(ledger, request, stage.clock.now());
    const slug = '2026-07-02-evening-note';
    await stage.publish(
      await stage.upload(
        `${slug}.md`,
        markdown({
          title: 'An evening note',
          published: '2026-07-02T05:00:00Z',
          email: '{ sendAt: 2026-07-02T18:00:00Z }',
        }),
      ),
    );
    const log = createLogger({}, () => {});
    const queue = { sendBatch: async () => {}, receive: async () => [], delete: async () => {} };
    const answer = await cancelDispatch({ ledger, queue, clock: stage.clock, log }, slug, 'the news moved on');
    expect(answer.status).toMatchObject({
      state: 'cancelled',
      cancelledNote: 'the news moved on',
      sendAt: '2026-07-02T18:00:00.000Z',
    });
  });

  it('rejects an email field it cannot read, naming the line and what to write', () => {
    const parse = (email: string) =>
      parseEditorial('2026-07-03-x.md', new TextEncoder().encode(markdown({ title: 'X', email })), {
        publication: config.publication.name,
        defaultLang: 'en',
        limits: config.limits,
      });
    expect(parse('{ sendAt: tomorrow }')).toMatchObject({
      ok: false,
      rejection: { reason: expect.stringMatching(/"email\.sendAt" is not a valid date \("tomorrow"\)/) },
    });
    expect(parse('{ sendTime: 2026-07-03T08:00:00Z }')).toMatchObject({
      ok: false,
      rejection: { reason: expect.stringMatching(/has no field "sendTime": the one it takes is sendAt/) },
    });
    expect(parse('2026-07-03T08:00:00Z')).toMatchObject({
      ok: false,
      rejection: { reason: expect.stringMatching(/"email" must be a set of fields/) },
    });
    expect(parse('{ sendAt: 2026-07-03T08:00:00Z }')).toMatchObject({
      ok: true,
      editorial: { emailSendAt: new Date('2026-07-03T08:00:00Z') },
    });
  });
});
