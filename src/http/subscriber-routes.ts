import type { Config } from '../config.ts';
import { messagesFor, type Messages } from '../i18n/index.ts';
import { ThrottledError } from '../ports.ts';
import { urls } from '../render/urls.ts';
import { cadenceChoices } from '../render/cadence-choices.ts';
import { readerTopicChoices } from '../render/chrome.ts';
import {
  checkLink,
  confirm,
  subscribe,
  unsubscribe,
  type LinkProblem,
  type SubscriberDeps,
} from '../subscribers/flows.ts';
import { MAX_ADDRESS_LENGTH } from '../subscribers/address.ts';
import { requestedCadence } from '../subscribers/cadence-choice.ts';
import { chosenTopics } from '../subscribers/preferences.ts';
import { CONFIRM_TOKEN_LIFETIME_MS } from '../subscribers/tokens.ts';
import { limitClient, refuseCrossSite } from './guards.ts';
import { renderNotice, type Notice } from './pages.ts';
import { BodyTooLargeError, formFields, queryParams, requestMethod } from './request.ts';
import { htmlResponse, textResponse } from './response.ts';
import type { FunctionUrlEvent, FunctionUrlResult, HttpHandler } from './types.ts';

const DAYS = Math.round(CONFIRM_TOKEN_LIFETIME_MS / 86_400_000);
/** A form echoes at most this much of what was typed. */
const ECHO_LIMIT = 320;

const page = (deps: SubscriberDeps, m: Messages, status: number, notice: Notice, headers?: Record<string, string>) =>
  htmlResponse(status, renderNotice(deps.config, notice, m.lang), headers);

/**
 * The reader's language: the form's `lang` field (every page's subscribe form sends its own), else a `lang` query
 * parameter on a link, else the publication's.
 */
function readerMessages(deps: SubscriberDeps, event: FunctionUrlEvent, form?: URLSearchParams): Messages {
  const lang = form?.get('lang') ?? queryParams(event).get('lang') ?? undefined;
  return messagesFor(lang?.slice(0, 35), deps.config.publication.language);
}

/** The forms of these pages post their language back, so the next answer stays in it. */
const langField = (m: Messages) => ({ name: 'lang', value: m.lang });

function methodNotAllowed(deps: SubscriberDeps, m: Messages, allow: string): FunctionUrlResult {
  return page(
    deps,
    m,
    405,
    { title: m.t('notice.notAvailableTitle'), paragraphs: [m.t('notice.notAvailable')] },
    { allow },
  );
}

const ADDRESS_REASONS = [
  'address.empty',
  'address.space',
  'address.oneAt',
  'address.local',
  'address.domain',
  'address.tooLong',
] as const;

/** Why an address was refused, in the reader's language: the check's English reason is matched to its message. */
function addressRefusal(m: Messages, reason: string): string {
  const sentence = `${reason[0]!.toUpperCase()}${reason.slice(1)}.`;
  const english = messagesFor('en', 'en');
  const key = ADDRESS_REASONS.find((k) => english.t(k, { max: MAX_ADDRESS_LENGTH }) === sentence);
  if (key) return m.t(key, { max: MAX_ADDRESS_LENGTH });
  return m.lang === 'en' ? sentence : m.t('address.invalid');
}

/** Turns failures into pages: a request never sees a stack trace, and the log never sees an address. */
export async function guarded(
  deps: SubscriberDeps,
  route: string,
  event: FunctionUrlEvent,
  run: () => Promise<FunctionUrlResult>,
): Promise<FunctionUrlResult> {
  try {
    return await run();
  } catch (err) {
    // The body may be what failed, so only the link's language is at hand here.
    const m = readerMessages(deps, event);
    if (err instanceof BodyTooLargeError)
      return page(deps, m, 413, { title: m.t('notice.tooLargeTitle'), paragraphs: [m.t('notice.tooLarge')] });
    const throttled = err instanceof ThrottledError;
    deps.log.error('request failed', { route, error: err });
    return page(
      deps,
      m,
      throttled ? 503 : 500,
      { title: m.t('notice.failedTitle'), paragraphs: [m.t('notice.failed')] },
      throttled ? { 'retry-after': '60' } : {},
    );
  }
}

function subscribeForm(
  config: Config,
  m: Messages,
  options: { emailValue?: string; source?: string; topics?: string[]; cadence?: string } = {},
): Notice['form'] {
  const asked = options.topics && new Set(options.topics);
  // What the reader ticked stays ticked when the form comes back; anything not offered falls back to `each`.
  const cadence = requestedCadence(config, options.cadence);
  return {
    button: m.t('subscribe.button'),
    emailField: true,
    ...(options.emailValue !== undefined && { emailValue: options.emailValue.slice(0, ECHO_LIMIT) }),
    topics: readerTopicChoices(config, m, (name) => !asked?.size || asked.has(name)),
    topicsLegend: m.t('preferences.topicsLegend'),
    cadences: cadenceChoices(config, m, (cadence.ok && cadence.cadence) || 'each'),
    cadenceLegend: m.t('cadence.legend'),
    hidden: [{ name: 'source', value: (options.source ?? 'subscribe-page').slice(0, ECHO_LIMIT) }, langField(m)],
  };
}

/**
 * POST `email`, `source`, `topics`, `cadence` → "check your inbox" (the same page whatever the address's state). A
 * cadence the configuration does not offer gets a page that says so, with the form again: it is never changed.
 */
export function handleSubscribeRequest(deps: SubscriberDeps, event: FunctionUrlEvent): Promise<FunctionUrlResult> {
  return guarded(deps, 'subscribe', event, async () => {
    const { config } = deps;
    const name = config.publication.name;
    const method = requestMethod(event);
    if (method === 'GET') {
      const m = readerMessages(deps, event);
      return page(deps, m, 200, {
        title: m.t('subscribe.heading', { publication: name }),
        paragraphs: [config.publication.description],
        form: subscribeForm(config, m),
      });
    }
    if (method !== 'POST') return methodNotAllowed(deps, readerMessages(deps, event), 'GET, POST');
    const form = formFields(event);
    const m = readerMessages(deps, event, form);
    const refused = refuseCrossSite(deps, m, event) ?? (await limitClient(deps, m, event, 'subscribe'));
    if (refused) return refused;
    const email = form.get('email') ?? '';
    const source = form.get('source') ?? undefined;
    const language = form.get('lang') ?? form.get('language') ?? undefined;
    // Every offered topic ticked (or none: the reader pressed Subscribe all the same) is every topic.
    const topics = chosenTopics(config, form.getAll('topics')) ?? [];
    const cadence = form.get('cadence') ?? undefined;
    const result = await subscribe(deps, {
      email,
      ...(source !== undefined && { source }),
      ...(language !== undefined && { language }),
      topics,
      ...(cadence !== undefined && { cadence }),
    });
    if (!result.ok && result.problem === 'invalid-cadence') {
      return page(deps, m, 400, {
        title: m.t('cadence.refusedTitle'),
        paragraphs: [m.t('cadence.refused', { publication: name })],
        form: subscribeForm(config, m, {
          emailValue: email,
          ...(source !== undefined && { source }),
          topics: form.getAll('topics'),
        }),
      });
    }
    if (!result.ok) {
      return page(deps, m, 400, {
        title: m.t('notice.badAddressTitle'),
        paragraphs: [addressRefusal(m, result.reason), m.t('notice.badAddressHint')],
        form: subscribeForm(config, m, {
          emailValue: email,
          ...(source !== undefined && { source }),
          topics: form.getAll('topics'),
          ...(cadence !== undefined && { cadence }),
        }),
      });
    }
    return page(deps, m, 200, {
      title: m.t('notice.checkInboxTitle'),
      paragraphs: [
        m.t('notice.checkInboxSent'),
        m.t('notice.checkInboxOpen', { publication: name, count: DAYS }),
        m.t('notice.checkInboxSpam'),
      ],
      link: { href: urls.home(config), text: m.t('notice.backTo', { publication: name }) },
    });
  });
}

function tokenOf(event: FunctionUrlEvent, form?: URLSearchParams): string {
  return form?.get('token') ?? queryParams(event).get('token') ?? '';
}

function badConfirmLink(deps: SubscriberDeps, m: Messages, problem: LinkProblem): FunctionUrlResult {
  const why: Record<LinkProblem, string> = {
    expired: m.t('notice.badConfirmExpired', { count: DAYS }),
    invalid: m.t('notice.badConfirmInvalid'),
    'not-pending': m.t('notice.badConfirmNotPending'),
  };
  return page(deps, m, 400, {
    title: m.t('notice.badConfirmTitle'),
    paragraphs: [why[problem], m.t('notice.badConfirmAgain')],
    link: { href: urls.subscribe(deps.config), text: m.t('notice.subscribeAgain') },
  });
}

/** GET shows a button (mail scanners open links; only a person presses it); POST confirms. */
export function handleConfirmRequest(deps: SubscriberDeps, event: FunctionUrlEvent): Promise<FunctionUrlResult> {
  return guarded(deps, 'confirm', event, async () => {
    const name = deps.config.publication.name;
    const method = requestMethod(event);
    if (method === 'GET') {
      const m = readerMessages(deps, event);
      const token = tokenOf(event);
      // Also refused: a link of a subscription that has ended (the record now holds another nonce).
      const check = await checkLink(deps, 'confirm', token);
      if (!check.ok) return badConfirmLink(deps, m, check.reason === 'expired' ? 'expired' : 'invalid');
      return page(deps, m, 200, {
        title: m.t('notice.confirmTitle'),
        paragraphs: [m.t('notice.confirmText', { publication: name })],
        form: { button: m.t('notice.confirmButton'), hidden: [{ name: 'token', value: token }, langField(m)] },
      });
    }
    if (method !== 'POST') return methodNotAllowed(deps, readerMessages(deps, event), 'GET, POST');
    const form = formFields(event);
    const m = readerMessages(deps, event, form);
    const refused = refuseCrossSite(deps, m, event);
    if (refused) return refused;
    const result = await confirm(deps, tokenOf(event, form));
    if (!result.ok) return badConfirmLink(deps, m, result.problem);
    return page(deps, m, 200, {
      title: m.t('notice.subscribedTitle'),
      paragraphs: [
        m.t(result.alreadyConfirmed ? 'notice.subscribedAlready' : 'notice.subscribedThanks', { publication: name }),
        m.t('notice.subscribedLeave'),
      ],
      link: { href: urls.home(deps.config), text: m.t('notice.read', { publication: name }) },
    });
  });
}

export function badUnsubscribeLink(deps: SubscriberDeps, m: Messages): FunctionUrlResult {
  const mailto = deps.config.unsubscribe.mailto;
  return page(deps, m, 400, {
    title: m.t('notice.badUnsubscribeTitle'),
    paragraphs: [
      m.t('notice.badUnsubscribe'),
      mailto ? m.t('notice.badUnsubscribeWrite', { address: mailto }) : m.t('notice.badUnsubscribeReply'),
    ],
    ...(mailto && {
      link: { href: `mailto:${mailto}?subject=unsubscribe`, text: m.t('notice.writeTo', { address: mailto }) },
    }),
  });
}

/**
 * GET shows a button; POST unsubscribes, from that button or as an RFC 8058 one-click request
 * (`List-Unsubscribe=One-Click`, token in the query string), which gets a short plain answer. Idempotent.
 */
export function handleUnsubscribeRequest(deps: SubscriberDeps, event: FunctionUrlEvent): Promise<FunctionUrlResult> {
  return guarded(deps, 'unsubscribe', event, async () => {
    const name = deps.config.publication.name;
    const method = requestMethod(event);
    if (method === 'GET') {
      const m = readerMessages(deps, event);
      const token = tokenOf(event);
      if (!(await checkLink(deps, 'unsubscribe', token)).ok) return badUnsubscribeLink(deps, m);
      return page(deps, m, 200, {
        title: m.t('notice.unsubscribeTitle', { publication: name }),
        paragraphs: [m.t('notice.unsubscribeText', { publication: name })],
        form: { button: m.t('notice.unsubscribeButton'), hidden: [{ name: 'token', value: token }, langField(m)] },
      });
    }
    if (method !== 'POST') return methodNotAllowed(deps, readerMessages(deps, event), 'GET, POST');
    const form = formFields(event);
    const m = readerMessages(deps, event, form);
    const oneClick = form.get('List-Unsubscribe') === 'One-Click';
    const result = await unsubscribe(deps, tokenOf(event, form));
    if (oneClick)
      return result.ok
        ? textResponse(200, 'Unsubscribed.\n')
        : textResponse(400, 'This unsubscribe link is not valid.\n');
    if (!result.ok) return badUnsubscribeLink(deps, m);
    return page(deps, m, 200, {
      title: m.t('notice.unsubscribedTitle'),
      paragraphs: [m.t('notice.unsubscribed', { publication: name }), m.t('notice.unsubscribedAgain')],
      link: { href: urls.subscribe(deps.config), text: m.t('notice.subscribeAgain') },
    });
  });
}

/** The three HTTP routes by path, for a local server; the unsubscribe path follows config.unsubscribe.url. */
export function subscriberRoutes(deps: SubscriberDeps): Record<string, HttpHandler> {
  return {
    '/subscribe': (event) => handleSubscribeRequest(deps, event),
    '/confirm': (event) => handleConfirmRequest(deps, event),
    [new URL(deps.config.unsubscribe.url).pathname]: (event) => handleUnsubscribeRequest(deps, event),
  };
}
