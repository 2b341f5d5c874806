import { BroadsheetError } from '../errors.ts';
import type { Clock, HubNotifier } from '../ports.ts';
import { retry, type BackoffPolicy } from '../retry.ts';

/*
 * Tells a WebSub hub that feeds changed, with the publish ping hubs accept (Google's hub, Superfeedr, WebSub.rocks):
 * a form POST of `hub.mode=publish` and `hub.url=<feed>`, one a feed. The hub then fetches the feed itself.
 */

export interface WebSubHubOptions {
  clock: Clock;
  policy?: BackoffPolicy;
  fetch?: typeof fetch;
  /** Per request, answer included (default 10 s). */
  timeoutMs?: number;
}

export const DEFAULT_HUB_POLICY: BackoffPolicy = { attempts: 5, baseMs: 200, capMs: 5_000 };
const DEFAULT_TIMEOUT_MS = 10_000;

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
    const described = failures.map((f) => `${f.feedUrl} (${f.error instanceof Error ? f.error.message : String(f.error)}${lastStatus(f)})`);
    super(`WebSub hub ${hubUrl} was not told about ${failures.length} feed(s): ${described.join('; ')}`, {
      cause: failures.length === 1 ? failures[0]!.error : new AggregateError(failures.map((f) => f.error), 'hub publish failures'),
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
  private readonly fetch: typeof fetch;
  private readonly timeoutMs: number;

  constructor(
    private readonly hubUrl: string,
    options: WebSubHubOptions,
  ) {
    this.clock = options.clock;
    this.policy = options.policy ?? DEFAULT_HUB_POLICY;
    this.fetch = options.fetch ?? globalThis.fetch;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  async publish(feedUrls: readonly string[]): Promise<void> {
    const outcomes = await Promise.all(feedUrls.map((feedUrl) => this.announce(feedUrl)));
    const failures = outcomes.filter((f): f is HubPublishFailure => f !== undefined);
    if (failures.length) throw new HubPublishError(this.hubUrl, failures);
  }

  /** Undefined once the hub took the ping; the failure after the last attempt otherwise (never throws). */
  private async announce(feedUrl: string): Promise<HubPublishFailure | undefined> {
    let status: number | undefined;
    // The wait the hub asked for (Retry-After) replaces the backoff's next wait; retry() still decides whether to wait.
    let retryAfterMs: number | undefined;
    const clock: Clock = {
      now: () => this.clock.now(),
      sleep: (ms) => {
        const wait = retryAfterMs ?? ms;
        retryAfterMs = undefined;
        return this.clock.sleep(wait);
      },
    };
    try {
      await retry(clock, this.policy, async () => {
        try {
          await this.ping(feedUrl);
        } catch (err) {
          if (err instanceof HubRequestError) {
            status = err.status ?? status;
            retryAfterMs = err.retryAfterMs;
          }
          throw err;
        }
      }, { retryable: (err) => err instanceof HubRequestError && err.retryable });
      return undefined;
    } catch (error) {
      return { feedUrl, status, error };
    }
  }

  private async ping(feedUrl: string): Promise<void> {
    let response: Response;
    try {
      response = await this.fetch(this.hubUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ 'hub.mode': 'publish', 'hub.url': feedUrl }).toString(),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (err) {
      throw new HubRequestError(`no answer from the hub: ${messageOf(err)}`, true, undefined, undefined, { cause: err });
    }
    // The body says nothing we use; reading it to the end frees the connection.
    const text = await response.text().catch(() => '');
    if (response.ok) return;
    const { status } = response;
    const retryable = status === 429 || status >= 500;
    const retryAfter = retryable ? retryAfterMs(response.headers.get('retry-after'), this.policy.capMs) : undefined;
    throw new HubRequestError(`the hub answered ${status}${text.trim() ? `: ${text.trim().slice(0, 200).replace(/\s+/g, ' ')}` : ''}`, retryable, status, retryAfter);
  }
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
