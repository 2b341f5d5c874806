import type { Messages } from '../i18n/index.ts';
import type { SubscriberDeps } from '../subscribers/flows.ts';
import { keysOf } from '../subscribers/deps.ts';
import { keyedDigest } from '../subscribers/tokens.ts';
import { COUNTER_MARK, countInWindow, windowStart } from '../subscribers/window-counter.ts';
import { renderNotice } from './pages.ts';
import { clientAddress, clientNetwork, header } from './request.ts';
import { htmlResponse } from './response.ts';
import type { FunctionUrlEvent, FunctionUrlResult } from './types.ts';

export const DEFAULT_SUBSCRIBE_RATE_PER_MINUTE = 20;
const MINUTE_MS = 60_000;

/**
 * A POST another site made a browser send (a form on a third-party page, posting to ours) is refused. Browsers say
 * where a request comes from in `Sec-Fetch-Site`, and it decides when present: `same-origin` (and `none`, typed by
 * the reader) pass, anything else does not. Their `Origin` is checked too, and alone where a browser sends no
 * `Sec-Fetch-Site`: it must be the publication's. `Origin: null` passes only with `same-origin`: our own pages send
 * it so under a no-referrer policy. A request with neither header does not come from a browser
 * page and goes on to the rate limit.
 */
export function refuseCrossSite(
  deps: SubscriberDeps,
  m: Messages,
  event: FunctionUrlEvent,
): FunctionUrlResult | undefined {
  const origin = header(event, 'origin')?.trim();
  const fetchSite = header(event, 'sec-fetch-site')?.trim().toLowerCase();
  const ours = new URL(deps.config.publication.siteUrl).origin;
  const sameOrigin = fetchSite === 'same-origin';
  const originOk = origin === undefined || origin === ours || (origin === 'null' && sameOrigin);
  const siteOk = fetchSite === undefined || sameOrigin || fetchSite === 'none';
  if (originOk && siteOk) return undefined;
  deps.log.info('request refused', { reason: 'cross-site', ...(fetchSite !== undefined && { fetchSite }) });
  return htmlResponse(
    403,
    renderNotice(deps.config, { title: m.t('guard.crossSiteTitle'), paragraphs: [m.t('guard.crossSite')] }, m.lang),
  );
}

/**
 * At most `subscribeRatePerMinute` requests a minute from one client address: a fixed-window counter per keyed
 * digest of the address (never the address itself) and minute, in the subscribers table, expiring by its TTL.
 * Past the limit: 429 with Retry-After, the seconds until the window ends.
 */
export async function limitClient(
  deps: SubscriberDeps,
  m: Messages,
  event: FunctionUrlEvent,
  route: string,
): Promise<FunctionUrlResult | undefined> {
  const limit = deps.subscribeRatePerMinute ?? DEFAULT_SUBSCRIBE_RATE_PER_MINUTE;
  const now = deps.clock.now();
  const minute = windowStart(now, MINUTE_MS);
  // Counted per client network: an IPv6 client is its /64, so rotating the interface id gains nothing.
  const client = keyedDigest(keysOf(deps), 'client', clientNetwork(clientAddress(event)));
  const count = await countInWindow(
    deps.subscribers,
    ['rate', route, client, minute].join(COUNTER_MARK),
    new Date(minute + 2 * MINUTE_MS),
  );
  if (count <= limit) return undefined;
  const retryAfter = Math.max(1, Math.ceil((minute + MINUTE_MS - now.getTime()) / 1000));
  if (count === limit + 1) deps.log.warn('client over its rate limit', { route, limit, retryAfter });
  const notice = { title: m.t('guard.tooManyTitle'), paragraphs: [m.t('guard.tooMany')] };
  return htmlResponse(429, renderNotice(deps.config, notice, m.lang), { 'retry-after': String(retryAfter) });
}
