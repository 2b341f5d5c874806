// The desk's digest commands: `broadsheet digest send` and `broadsheet proof --digest`, from what they print and
// what they send (src/cli/digest.ts, src/cli/desk-digest-proof.ts).
import { describe, expect, it } from 'vitest';
import type { DeskConnection } from '../../src/app/desk.ts';
import type { DeskRuntime } from '../../src/app/desk-runtime.ts';
import { runDeskCommand } from '../../src/cli/desk.ts';
import { runDigestCommand } from '../../src/cli/digest.ts';
import type { Config } from '../../src/config.ts';
import { createLogger } from '../../src/log.ts';
import type { Mailer, OutgoingEmail } from '../../src/ports.ts';
import type { DigestDeps } from '../../src/pipeline/digest/send-digest.ts';
import type { DispatchRequest } from '../../src/pipeline/publish/dispatch-request.ts';
import { proofUnsubscribeUrl } from '../../src/render/email/proof-link.ts';
import { runCliInProcess } from '../helpers/cli-in-process.ts';
import { config, digestStage, type DigestStage } from '../helpers/digest-stage.ts';
import { testDeskRuntime } from '../helpers/test-desk.ts';

const dailyOnly: Config = {
  ...config,
  subscription: {
    ...config.subscription,
    digests: { ...config.subscription.digests, cadences: ['each', 'daily'] },
  },
};
const env = { BROADSHEET_CONFIG: JSON.stringify(dailyOnly) };
const NOW = new Date('2026-12-07T08:00:00Z');

/** Two editorials in the daily period of 7 December (6 December 07:00 to 7 December 07:00 UTC). */
async function twoEditorials(): Promise<DigestStage> {
  const stage = digestStage('2026-12-06T09:00:00Z');
  await stage.publish('2026-12-06-port', { title: 'Port talks resume', published: '2026-12-06T09:00:00Z' });
  stage.at('2026-12-06T15:00:00Z');
  await stage.publish('2026-12-06-grid', { title: 'Grid repairs finish', published: '2026-12-06T15:00:00Z' });
  stage.at(NOW.toISOString());
  return stage;
}

describe('broadsheet digest send, refused', () => {
  const digest = (...args: string[]) => runCliInProcess(['digest', 'send', ...args], env);

  it('without a cadence, or with one that is not a digest’s: exit 2, naming daily and weekly, with the usage', async () => {
    for (const run of [await digest(), await digest('hourly'), await digest('each')]) {
      expect(run.code).toBe(2);
      expect(run.stderr).toContain('digest send needs a cadence: daily or weekly');
      expect(run.stderr).toContain('broadsheet digest send <daily|weekly> [--period YYYY-MM-DD]');
    }
  });

  it('a cadence the publication does not offer: exit 1, saying where to add it', async () => {
    const run = await digest('weekly');
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      'weekly digests are not offered (subscription.digests.cadences: each, daily): add weekly there first',
    );
  });

  it('a period that is not a date: exit 1, saying to give YYYY-MM-DD', async () => {
    const run = await digest('daily', '--period', '7-12-2026');
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('period "7-12-2026" is not a date: give it as YYYY-MM-DD');
  });

  it('a period not over yet: exit 1, saying to give an earlier one or wait', async () => {
    const run = await digest('daily', '--period', '2099-01-05');
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('the daily period 2099-01-05 ends at 2099-01-05T07:00:00.000Z');
    expect(run.stderr).toContain('give an earlier --period, or wait');
  });
});

describe('broadsheet digest send, against the desk', () => {
  async function send(args: string[], stage: DigestStage) {
    const requests: DispatchRequest[] = [];
    const deps: DigestDeps = {
      editorials: stage.editorials,
      config,
      clock: stage.clock,
      log: createLogger({}, () => {}),
      planDispatch: async (request) => void requests.push(request),
    };
    const out: string[] = [];
    const code = await runDigestCommand(
      ['send', ...args],
      async () => deps,
      () => config,
      { out: (line) => out.push(line), err: (line) => out.push(line), now: () => NOW },
    );
    return { code, out: out.join('\n'), requests };
  }

  it('plans the period and says where to watch it', async () => {
    const stage = await twoEditorials();
    const run = await send(['daily', '--period', '2026-12-07'], stage);
    expect(run.code).toBe(0);
    expect(run.requests.map((r) => r.dispatchId)).toEqual(['digest-daily-2026-12-07']);
    expect(run.out).toContain('digest-daily-2026-12-07: planned with 2 editorials');
    expect(run.out).toContain('broadsheet dispatch status digest-daily-2026-12-07');
  });

  it('without --period, takes the newest period that has ended; asked again, plans nothing more', async () => {
    const stage = await twoEditorials();
    expect((await send(['daily'], stage)).requests).toHaveLength(1);
    const again = await send(['daily'], stage);
    expect(again.code).toBe(0);
    expect(again.requests).toEqual([]);
    expect(again.out).toContain('digest-daily-2026-12-07: planned before (2 editorials); nothing more is sent.');
    expect(again.out).toContain('broadsheet dispatch status digest-daily-2026-12-07');
  });

  it('an empty period: says nothing is sent for it', async () => {
    const stage = await twoEditorials();
    const run = await send(['daily', '--period', '2026-12-05'], stage);
    expect(run.code).toBe(0);
    expect(run.requests).toEqual([]);
    expect(run.out).toContain('digest-daily-2026-12-05: nothing became public from');
    expect(run.out).toContain('no digest is sent for this period.');
  });
});

class RecordingMailer implements Mailer {
  readonly sent: OutgoingEmail[] = [];
  async send(email: OutgoingEmail) {
    this.sent.push(email);
    return { messageId: `message-${this.sent.length}` };
  }
}

describe('broadsheet proof --digest', () => {
  async function proof(args: string[], stage: DigestStage) {
    const mailer = new RecordingMailer();
    const runtime = testDeskRuntime(config) as unknown as DeskRuntime;
    const out: string[] = [];
    const err: string[] = [];
    const code = await runDeskCommand('proof', args, {
      env: {},
      now: () => NOW,
      stdout: (line) => out.push(line),
      stderr: (line) => err.push(line),
      connect: async (): Promise<DeskConnection> => ({ runtime, editorials: stage.editorials, mailer }),
    });
    return { code, out: out.join('\n'), err: err.join('\n'), sent: mailer.sent, stage };
  }

  it('sends the digest as a reader of every topic gets it, marked [PROOF], with the inert unsubscribe link', async () => {
    const run = await proof(['--digest', 'daily', '--to', 'a@example.com'], await twoEditorials());

    expect(run.code).toBe(0);
    expect(run.sent).toHaveLength(1);
    const [email] = run.sent;
    expect(email!.to).toBe('a@example.com');
    expect(email!.subject.startsWith('[PROOF] ')).toBe(true);
    expect(email!.subject).toContain('daily digest');
    for (const title of ['Port talks resume', 'Grid repairs finish']) {
      expect(email!.html).toContain(title);
      expect(email!.text).toContain(title);
    }
    const inert = proofUnsubscribeUrl(config);
    expect(email!.text).toContain(inert);
    expect(email!.headers.find((h) => h.name === 'List-Unsubscribe')?.value).toContain(inert);
    expect(run.out).toContain('Sent the proof of the daily digest of 2026-12-07 (2 editorials');
    expect(run.out).toContain(`Its unsubscribe link, ${inert}, changes nothing`);
    // Planned for no one: no marker, no digest template.
    expect(run.stage.editorials.keys('digests/')).toEqual([]);
    expect(run.stage.editorials.keys('rendered/digests/')).toEqual([]);
  });

  it('is refused for a period where nothing became public, saying to give another --period', async () => {
    const run = await proof(
      ['--digest', 'daily', '--period', '2026-12-05', '--to', 'a@example.com'],
      await twoEditorials(),
    );
    expect(run.code).toBe(1);
    expect(run.sent).toEqual([]);
    expect(run.err).toContain('nothing became public in the daily period 2026-12-05');
    expect(run.err).toContain('there is nothing to proof; give another --period');
  });

  it('is refused for a weekly period on another weekday, naming the weekday', async () => {
    const run = await proof(
      ['--digest', 'weekly', '--period', '2026-12-08', '--to', 'a@example.com'],
      await twoEditorials(),
    );
    expect(run.code).toBe(1);
    expect(run.sent).toEqual([]);
    expect(run.err).toContain('weekly digests go out on mondays');
  });
});
