import { BroadsheetError } from '../errors.ts';
import type { Clock, HubNotifier } from '../ports.ts';
import { retry, type BackoffPolicy } from '../retry.ts';
import { OutboundHttp, OutboundRefusedError, OutboundTimeoutError, type Resolver } from './outbound-http.ts';

/*
 * Tells a WebSub hub that feeds changed, with the publish ping hubs accept (Google's hub, Superfeedr, WebSub.rocks):
 * a form POST of `hub.mode=publish` and `hub.url=<feed>`, one a feed. The hub then fetches the feed itself.
 * It goes through the outbound client (outbound-http.ts): https to public addresses only (plain http and loopback
 * only with `allowLocal`), no redirect followed, at most a few KiB of an answer read and never repeated, and one
 * deadline for every ping and retry of a publish, so a silent hub cannot hold a publish for long.
 */

export interface WebSubHubOptions {
  clock: Clock;
  policy?: BackoffPolicy;
  /** Per request: lookup, connection and answer (default 5 s). */
  timeoutMs?: number;
  /** Every ping and retry of one publish together (default 10 s); past it, the feeds not yet taken fail. */
  deadlineMs?: number;
  /** A local run: a plain-http hub on this machine allowed. Lambda never sets it. */
  allowLocal?: boolean;
  /** Host name lookups (tests); node:dns by default. */
  resolve?: Resolver;
}

export const DEFAULT_HUB_POLICY: BackoffPolicy = { attempts: 5, baseMs: 200, capMs: 5_000 };
const DEFAULT_TIMEOUT_MS = 5_000;
export const DEFAULT_HUB_DEADLINE_MS = 10_000;

/** One feed the hub could not be told about, after its retries. */
export interface HubPublishFailure {
  feedUrl: string;
  /** The hub's last HTTP status for this feed; undefined when it never answered. */
  status?: number;
  error: unknown;
}

/** The hub could not be told about some feeds; every feed was tried first. */
export class HubPublishError extends BroadsheetError {
  override name = 'HubPublishError';
  readonly failures: readonly HubPublishFailure[];
  /** The hub's last HTTP status among the failures; undefined when it never answered. */
  readonly status: number | undefined;

  constructor(hubUrl: string, failures: readonly HubPublishFailure[]) {
    const described = failures.map(
      (f) => `${f.feedUrl} (${f.error instanceof Error ? f.error.message : String(f.error)}${lastStatus(f)})`,
    );
    super(`WebSub hub ${hubUrl} was not told about ${failures.length} feed(s): ${described.join('; ')}`, {
      cause:
        failures.length === 1
          ? failures[0]!.error
          : new AggregateError(
              failures.map((f) => f.error),
              'hub publish failures',
            ),
    });
    this.failures = failures;
    this.status = failures.findLast((f) => f.status !== undefined)?.status;
  }

  get feedUrls(): string[] {
    return this.failures.map((f) => f.feedUrl);
  }
}

/** One answer or failure of one request; `retryable` says whether another attempt may help. */
class HubRequestError extends BroadsheetError {
  override name = 'HubRequestError';

  constructor(
    message: string,
    readonly retryable: boolean,
    readonly status?: number,
    readonly retryAfterMs?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export class WebSubHub implements HubNotifier {
  private readonly clock: Clock;
  private readonly policy: BackoffPolicy;
  private readonly client: OutboundHttp;
  private readonly timeoutMs: number;
  private readonly deadlineMs: number;

  constructor(
    private readonly hubUrl: string,
    options: WebSubHubOptions,
  ) {
    this.clock = options.clock;
    this.policy = options.policy ?? DEFAULT_HUB_POLICY;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.deadlineMs = options.deadlineMs ?? DEFAULT_HUB_DEADLINE_MS;
    this.client = new OutboundHttp({
      timeoutMs: this.timeoutMs,
      ...(options.allowLocal && { allowLocal: true }),
      ...(options.resolve && { resolve: options.resolve }),
    });
  }

  async publish(feedUrls: readonly string[]): Promise<void> {
    if (feedUrls.length === 0) return;
    const controller = new AbortController();
    const timer = setTimeout(
      () => controller.abort(new OutboundTimeoutError(`the hub's ${this.deadlineMs} ms for this publish ran out`)),
      this.deadlineMs,
    );
    let outcomes: (HubPublishFailure | undefined)[];
    try {
      outcomes = await Promise.all(feedUrls.map((feedUrl) => this.announce(feedUrl, controller.signal)));
    } finally {
      clearTimeout(timer);
    }
    const failures = outcomes.filter((f): f is HubPublishFailure => f !== undefined);
    if (failures.length) throw new HubPublishError(this.hubUrl, failures);
  }

  /** Undefined once the hub took the ping; the failure after the last attempt otherwise (never throws). */
  private async announce(feedUrl: string, deadline: AbortSignal): Promise<HubPublishFailure | undefined> {
    let status: number | undefined;
    // The wait the hub asked for (Retry-After) replaces the backoff's next wait; retry() still decides whether to wait.
    let retryAfterMs: number | undefined;
    const clock: Clock = {
      now: () => this.clock.now(),
      sleep: (ms) => {
        const wait = retryAfterMs ?? ms;
        retryAfterMs = undefined;
        // A wait cut short by the deadline ends the retries: the next attempt sees the deadline passed.
        return untilAborted(this.clock.sleep(wait), deadline);
      },
    };
    try {
      await retry(
        clock,
        this.policy,
        async () => {
          try {
            await this.ping(feedUrl, deadline);
          } catch (err) {
            if (err instanceof HubRequestError) {
              status = err.status ?? status;
              retryAfterMs = err.retryAfterMs;
            }
            throw err;
          }
        },
        { retryable: (err) => err instanceof HubRequestError && err.retryable && !deadline.aborted },
      );
      return undefined;
    } catch (error) {
      return { feedUrl, status, error };
    }
  }

  private async ping(feedUrl: string, deadline: AbortSignal): Promise<void> {
    if (deadline.aborted)
      throw new HubRequestError(`no answer from the hub: ${messageOf(deadline.reason)}`, false, undefined, undefined, {
        cause: deadline.reason,
      });
    let response: { status: number; headers: Record<string, string | string[] | undefined> };
    try {
      // The answer's body says nothing we use, and is never repeated in a message or a log.
      response = await this.client.post(
        this.hubUrl,
        new URLSearchParams({ 'hub.mode': 'publish', 'hub.url': feedUrl }).toString(),
        { 'content-type': 'application/x-www-form-urlencoded' },
        { signal: deadline },
      );
    } catch (err) {
      if (err instanceof OutboundRefusedError)
        throw new HubRequestError(err.message, false, undefined, undefined, { cause: err });
      throw new HubRequestError(`no answer from the hub: ${messageOf(err)}`, true, undefined, undefined, {
        cause: err,
      });
    }
    const { status } = response;
    if (status >= 200 && status < 300) return;
    const retryable = status === 429 || status >= 500;
    const header = response.headers['retry-after'];
    const retryAfter = retryable
      ? retryAfterMs(typeof header === 'string' ? header : null, this.policy.capMs)
      : undefined;
    const redirect = status >= 300 && status < 400 ? ' (a redirect, not followed)' : '';
    throw new HubRequestError(`the hub answered ${status}${redirect}`, retryable, status, retryAfter);
  }
}

/** The sleep, or less once the signal aborts. */
function untilAborted(sleep: Promise<void>, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise<void>((resolve, reject) => {
    const onAbort = () => resolve();
    signal.addEventListener('abort', onAbort, { once: true });
    sleep.then(
      () => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      },
      (err: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(err);
      },
    );
  });
}

/** A Retry-After given in seconds, as milliseconds no longer than `capMs`; undefined for a date or nothing. */
function retryAfterMs(header: string | null, capMs: number): number | undefined {
  const value = header?.trim();
  if (!value || !/^\d+$/.test(value)) return undefined;
  return Math.min(Number(value) * 1000, capMs);
}

/** The hub's last status when the last attempt had none (it timed out after a 503, say). */
function lastStatus(failure: HubPublishFailure): string {
  const said = failure.error instanceof HubRequestError && failure.error.status !== undefined;
  return failure.status === undefined || said ? '' : `; last status ${failure.status}`;
}

function messageOf(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const cause = err.cause instanceof Error ? `: ${err.cause.message}` : '';
  return `${err.message}${cause}`;
}
