import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { HubPublishError, WebSubHub } from '../../src/adapters/websub-hub.ts';
import { BroadsheetError } from '../../src/errors.ts';
import type { Clock } from '../../src/ports.ts';

/** A clock that records the waits it is asked for and returns at once. */
function recordingClock(): Clock & { waits: number[] } {
  const waits: number[] = [];
  return { waits, now: () => new Date(0), sleep: async (ms: number) => void waits.push(ms) };
}

interface HubRequest {
  method: string;
  contentType: string | undefined;
  raw: string;
  body: Record<string, string>;
}

/** What the hub does with the nth request (from 1) for a feed: answer with a status, or never answer. */
type Answer = { status: number; headers?: Record<string, string> } | 'hang';
type Behaviour = (feedUrl: string, n: number) => Answer | Promise<Answer>;

const FEED = 'https://monexus.example/feeds/atom.xml';
const RSS = 'https://monexus.example/feeds/rss.xml';
const JSON_FEED = 'https://monexus.example/feeds/feed.json';
const policy = { attempts: 4, baseMs: 200, capMs: 1_000 };

describe('WebSubHub against a local hub', () => {
  let server: Server;
  let hubUrl: string;
  let requests: HubRequest[];
  let behaviour: Behaviour;
  let clock: ReturnType<typeof recordingClock>;

  const seen = (feedUrl: string) => requests.filter((r) => r.body['hub.url'] === feedUrl);
  const rejection = (promise: Promise<void>) =>
    promise.then(
      () => expect.unreachable('publish resolved'),
      (err: unknown) => err as HubPublishError,
    );

  beforeAll(async () => {
    server = createServer((req: IncomingMessage, res: ServerResponse) => {
      let raw = '';
      req.setEncoding('utf8');
      req.on('data', (chunk: string) => (raw += chunk));
      req.on('end', () => {
        const body = Object.fromEntries(new URLSearchParams(raw));
        requests.push({ method: req.method ?? '', contentType: req.headers['content-type'], raw, body });
        void Promise.resolve(behaviour(body['hub.url'] ?? '', seen(body['hub.url'] ?? '').length)).then((answer) => {
          if (answer !== 'hang')
            res
              .writeHead(answer.status, answer.headers)
              .end(answer.status >= 400 ? `refused ${answer.status}` : undefined);
        });
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    hubUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hub`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  beforeEach(() => {
    requests = [];
    behaviour = () => ({ status: 204 });
    clock = recordingClock();
  });

  it('posts the form-encoded publish ping, and tries again after 503s until the hub takes it', async () => {
    behaviour = (_, n) => ({ status: n <= 2 ? 503 : 204 });
    await new WebSubHub(hubUrl, { clock, allowLocal: true, policy }).publish([FEED]);
    expect(requests).toHaveLength(3);
    for (const request of requests) {
      expect(request).toEqual({
        method: 'POST',
        contentType: 'application/x-www-form-urlencoded',
        raw: `hub.mode=publish&hub.url=${encodeURIComponent(FEED)}`,
        body: { 'hub.mode': 'publish', 'hub.url': FEED },
      });
    }
    // Full jitter: below base * 2^retry each time.
    expect(clock.waits).toHaveLength(2);
    expect(clock.waits[0]).toBeLessThan(200);
    expect(clock.waits[1]).toBeLessThan(400);
  });

  it('encodes a feed URL with its own query', async () => {
    const odd = 'https://monexus.example/feeds/atom.xml?topic=ports & harbours&lang=ελ';
    await new WebSubHub(hubUrl, { clock, allowLocal: true, policy }).publish([odd]);
    expect(requests.map((r) => r.body)).toEqual([{ 'hub.mode': 'publish', 'hub.url': odd }]);
    expect(requests[0]!.raw).not.toContain(' ');
  });

  it('waits as long as Retry-After says, in seconds, capped at the policy cap', async () => {
    behaviour = (feedUrl, n) =>
      n > 1
        ? { status: 204 }
        : feedUrl === FEED
          ? { status: 503, headers: { 'retry-after': '0' } }
          : { status: 429, headers: { 'retry-after': '3600' } };
    await new WebSubHub(hubUrl, { clock, allowLocal: true, policy }).publish([FEED]);
    expect(clock.waits).toEqual([0]);
    await new WebSubHub(hubUrl, { clock, allowLocal: true, policy }).publish([RSS]);
    expect(clock.waits).toEqual([0, 1_000]);
    expect(requests).toHaveLength(4);
  });

  it('gives up at once on another 4xx, after exactly one request, naming the feed and the status', async () => {
    behaviour = () => ({ status: 400 });
    const error = await rejection(new WebSubHub(hubUrl, { clock, allowLocal: true, policy }).publish([FEED]));
    expect(requests).toHaveLength(1);
    expect(clock.waits).toEqual([]);
    expect(error).toBeInstanceOf(HubPublishError);
    expect(error).toBeInstanceOf(BroadsheetError);
    expect(error.name).toBe('HubPublishError');
    expect(error.message).toContain(FEED);
    expect(error.message).toContain('answered 400');
    expect(error.status).toBe(400);
    expect(error.feedUrls).toEqual([FEED]);
    expect(error.cause).toBeInstanceOf(Error);
  });

  it('tries again when the hub does not answer in time', async () => {
    behaviour = (_, n) => (n === 1 ? 'hang' : { status: 202 });
    await new WebSubHub(hubUrl, { clock, allowLocal: true, policy, timeoutMs: 100 }).publish([FEED]);
    expect(requests).toHaveLength(2);
    expect(clock.waits).toHaveLength(1);
  });

  it('names the hub’s last status when the last attempt had no answer', async () => {
    behaviour = (_, n) => (n === 1 ? { status: 503 } : 'hang');
    const error = await rejection(
      new WebSubHub(hubUrl, { clock, allowLocal: true, policy: { ...policy, attempts: 2 }, timeoutMs: 50 }).publish([
        FEED,
      ]),
    );
    expect(requests).toHaveLength(2);
    expect(error.status).toBe(503);
    expect(error.message).toMatch(/no answer from the hub: .*; last status 503\)$/);
  });

  it('pings every feed once, all at the same time', async () => {
    // The hub answers nobody until all three pings are in: a notifier that waited for each answer would time out.
    let release!: () => void;
    const allIn = new Promise<void>((resolve) => (release = resolve));
    behaviour = async () => {
      if (requests.length === 3) release();
      await allIn;
      return { status: 204 };
    };
    await new WebSubHub(hubUrl, { clock, allowLocal: true, policy, timeoutMs: 2_000 }).publish([FEED, RSS, JSON_FEED]);
    expect(requests.map((r) => r.body['hub.url']).sort()).toEqual([FEED, JSON_FEED, RSS].sort());
    expect(clock.waits).toEqual([]);
  });

  it('tries every feed before it throws, and names only those the hub would not take', async () => {
    behaviour = (feedUrl, n) =>
      feedUrl === FEED ? { status: 404 } : feedUrl === RSS ? { status: n <= 2 ? 503 : 204 } : { status: 500 };
    const error = await rejection(
      new WebSubHub(hubUrl, { clock, allowLocal: true, policy }).publish([FEED, RSS, JSON_FEED]),
    );
    expect(seen(FEED)).toHaveLength(1);
    expect(seen(RSS)).toHaveLength(3);
    expect(seen(JSON_FEED)).toHaveLength(policy.attempts);
    expect(error.feedUrls).toEqual([FEED, JSON_FEED]);
    expect(error.message).toContain(`${FEED} (the hub answered 404`);
    expect(error.message).toContain(`${JSON_FEED} (the hub answered 500`);
    expect(error.message).not.toContain(RSS);
    expect(error.status).toBe(500);
    expect(error.cause).toBeInstanceOf(AggregateError);
  });

  it('never repeats what the hub said: a 4xx body is not in the error', async () => {
    behaviour = () => ({ status: 403 });
    const error = await rejection(new WebSubHub(hubUrl, { clock, allowLocal: true, policy }).publish([FEED]));
    expect(error.message).toContain('answered 403');
    expect(error.message).not.toContain('refused 403');
  });

  it('follows no redirect: a 3xx is a failure, and the place it points at is never asked', async () => {
    let hits = 0;
    const inside = createServer((_req, res) => {
      hits++;
      res.writeHead(204).end();
    });
    await new Promise<void>((resolve) => inside.listen(0, '127.0.0.1', resolve));
    try {
      const location = `http://127.0.0.1:${(inside.address() as AddressInfo).port}/internal`;
      behaviour = () => ({ status: 307, headers: { location } });
      const error = await rejection(new WebSubHub(hubUrl, { clock, allowLocal: true, policy }).publish([FEED]));
      expect(error.status).toBe(307);
      expect(error.message).toContain('answered 307');
      expect(requests).toHaveLength(1);
      expect(hits).toBe(0);
    } finally {
      await new Promise((resolve) => inside.close(resolve));
    }
  });

  it('gives every ping and retry of a publish one deadline, so a silent hub cannot hold it', async () => {
    behaviour = () => 'hang';
    const started = Date.now();
    // Without the deadline: 4 attempts of 2 s each.
    const error = await rejection(
      new WebSubHub(hubUrl, { clock, allowLocal: true, policy, timeoutMs: 2_000, deadlineMs: 200 }).publish([
        FEED,
        RSS,
      ]),
    );
    expect(Date.now() - started).toBeLessThan(1_900);
    expect(error.feedUrls).toEqual([FEED, RSS]);
    expect(error.message).toContain('no answer from the hub');
  }, 10_000);

  it('refuses a plain-http or loopback hub unless the run is local, without asking it', async () => {
    const error = await rejection(new WebSubHub(hubUrl, { clock, policy }).publish([FEED]));
    expect(error.message).toContain('must be an https:// URL');
    const loopback = await rejection(new WebSubHub('https://127.0.0.1:1/hub', { clock, policy }).publish([FEED]));
    expect(loopback.message).toContain('127.0.0.1');
    expect(requests).toEqual([]);
    // Refusals are final: no retry.
    expect(clock.waits).toEqual([]);
  });

  it('refuses a hub whose name resolves to a private address, without connecting', async () => {
    const resolve = async () => [
      { address: '203.0.113.9', family: 4 },
      { address: '169.254.169.254', family: 4 },
    ];
    const error = await rejection(new WebSubHub('https://hub.example/', { clock, policy, resolve }).publish([FEED]));
    expect(error.message).toContain('169.254.169.254');
    expect(clock.waits).toEqual([]);
  });

  it('resolves at once for no feeds', async () => {
    await new WebSubHub(hubUrl, { clock, allowLocal: true, policy }).publish([]);
    expect(requests).toEqual([]);
  });
});

describe('WebSubHub against a hub that is down', () => {
  /** An address nobody listens on: a port the system gave out a moment ago, closed again. */
  async function closedHubUrl(): Promise<string> {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise((resolve) => closed.close(resolve));
    return `http://127.0.0.1:${port}/hub`;
  }

  it('gives up after the policy’s attempts, naming the feed, with the network error as the cause', async () => {
    const clock = recordingClock();
    const hub = new WebSubHub(await closedHubUrl(), {
      clock,
      allowLocal: true,
      policy: { attempts: 3, baseMs: 200, capMs: 5_000 },
    });
    const error = (await hub.publish([FEED]).catch((err: unknown) => err)) as HubPublishError;
    expect(error).toBeInstanceOf(HubPublishError);
    expect(clock.waits).toHaveLength(2);
    expect(error.message).toContain(FEED);
    expect(error.message).toContain('no answer from the hub');
    expect(error.status).toBeUndefined();
    expect(((error.cause as Error).cause as NodeJS.ErrnoException).code).toBe('ECONNREFUSED');
  });

  it('uses the default policy, five attempts, when none is given', async () => {
    const clock = recordingClock();
    const error = await new WebSubHub(await closedHubUrl(), { clock, allowLocal: true })
      .publish([FEED])
      .catch((err: unknown) => err);
    expect(error).toBeInstanceOf(HubPublishError);
    expect(clock.waits).toHaveLength(4);
    for (const [n, wait] of clock.waits.entries()) expect(wait).toBeLessThan(Math.min(5_000, 200 * 2 ** n));
  });
});
