import type { Config } from '../config.ts';
import { ThrottledError } from '../ports.ts';
import { urls } from '../render/urls.ts';
import {
  checkConfirmToken,
  checkUnsubscribeToken,
  confirm,
  subscribe,
  unsubscribe,
  type LinkProblem,
  type SubscriberDeps,
} from '../subscribers/flows.ts';
import { CONFIRM_TOKEN_LIFETIME_MS } from '../subscribers/tokens.ts';
import { renderNotice, type Notice } from './pages.ts';
import { BodyTooLargeError, formFields, queryParams, requestMethod } from './request.ts';
import { htmlResponse, textResponse } from './response.ts';
import type { FunctionUrlEvent, FunctionUrlResult, HttpHandler } from './types.ts';

const DAYS = Math.round(CONFIRM_TOKEN_LIFETIME_MS / 86_400_000);
/** A form echoes at most this much of what was typed. */
const ECHO_LIMIT = 320;

const page = (deps: SubscriberDeps, status: number, notice: Notice, headers?: Record<string, string>) =>
  htmlResponse(status, renderNotice(deps.config, notice), headers);

function methodNotAllowed(deps: SubscriberDeps, allow: string): FunctionUrlResult {
  return page(deps, 405, { title: 'Not available', paragraphs: ['This address only answers the forms on our pages.'] }, { allow });
}

/** Turns failures into pages: a request never sees a stack trace, and the log never sees an address. */
async function guarded(deps: SubscriberDeps, route: string, run: () => Promise<FunctionUrlResult>): Promise<FunctionUrlResult> {
  try {
    return await run();
  } catch (err) {
    if (err instanceof BodyTooLargeError) return page(deps, 413, { title: 'Too much data', paragraphs: ['The form sent more than it should. Please try again.'] });
    const throttled = err instanceof ThrottledError;
    deps.log.error('request failed', { route, error: err });
    return page(
      deps,
      throttled ? 503 : 500,
      { title: 'Something went wrong', paragraphs: ['We could not finish this just now. Nothing was lost: please try again in a minute.'] },
      throttled ? { 'retry-after': '60' } : {},
    );
  }
}

function subscribeForm(config: Config, options: { emailValue?: string; source?: string } = {}): Notice['form'] {
  return {
    button: 'Subscribe',
    emailField: true,
    ...(options.emailValue !== undefined && { emailValue: options.emailValue.slice(0, ECHO_LIMIT) }),
    hidden: [{ name: 'source', value: (options.source ?? 'subscribe-page').slice(0, ECHO_LIMIT) }],
  };
}

/** POST `email`, `source`, `topics` → "check your inbox" (the same page whatever the address's state). */
export function handleSubscribeRequest(deps: SubscriberDeps, event: FunctionUrlEvent): Promise<FunctionUrlResult> {
  return guarded(deps, 'subscribe', async () => {
    const { config } = deps;
    const name = config.publication.name;
    const method = requestMethod(event);
    if (method === 'GET') {
      return page(deps, 200, { title: `Get ${name} by email`, paragraphs: [config.publication.description], form: subscribeForm(config) });
    }
    if (method !== 'POST') return methodNotAllowed(deps, 'GET, POST');
    const form = formFields(event);
    const email = form.get('email') ?? '';
    const source = form.get('source') ?? undefined;
    const result = await subscribe(deps, { email, ...(source !== undefined && { source }), topics: form.getAll('topics') });
    if (!result.ok) {
      return page(deps, 400, {
        title: 'That address does not look right',
        paragraphs: [`${result.reason[0]!.toUpperCase()}${result.reason.slice(1)}.`, 'Check it and try again; an address looks like name@example.org.'],
        form: subscribeForm(config, { emailValue: email, ...(source !== undefined && { source }) }),
      });
    }
    return page(deps, 200, {
      title: 'Check your inbox',
      paragraphs: [
        'We have sent a confirmation link to the address you entered, unless it is already subscribed.',
        `Open the link in that email to start receiving ${name}. It works for ${DAYS} days; until then you will get nothing else from us.`,
        'Nothing there after a few minutes? Look in your spam folder, or subscribe again.',
      ],
      link: { href: urls.home(config), text: `Back to ${name}` },
    });
  });
}

function tokenOf(event: FunctionUrlEvent, form?: URLSearchParams): string {
  return form?.get('token') ?? queryParams(event).get('token') ?? '';
}

function badConfirmLink(deps: SubscriberDeps, problem: LinkProblem): FunctionUrlResult {
  const why: Record<LinkProblem, string> = {
    expired: `It has expired: confirmation links work for ${DAYS} days.`,
    invalid: 'It is incomplete or has been changed. Check that you opened the whole link from the email.',
    'not-pending': 'It belongs to a subscription that has since been cancelled.',
  };
  return page(deps, 400, {
    title: 'This confirmation link does not work',
    paragraphs: [why[problem], 'To subscribe, enter your address again and we will send you a new link.'],
    link: { href: urls.subscribe(deps.config), text: 'Subscribe again' },
  });
}

/** GET shows a button (mail scanners open links; only a person presses it); POST confirms. */
export function handleConfirmRequest(deps: SubscriberDeps, event: FunctionUrlEvent): Promise<FunctionUrlResult> {
  return guarded(deps, 'confirm', async () => {
    const name = deps.config.publication.name;
    const method = requestMethod(event);
    if (method === 'GET') {
      const token = tokenOf(event);
      const check = checkConfirmToken(deps, token);
      if (!check.ok) return badConfirmLink(deps, check.reason === 'expired' ? 'expired' : 'invalid');
      return page(deps, 200, {
        title: 'Confirm your subscription',
        paragraphs: [`Press the button to start receiving ${name} by email.`],
        form: { button: 'Confirm subscription', hidden: [{ name: 'token', value: token }] },
      });
    }
    if (method !== 'POST') return methodNotAllowed(deps, 'GET, POST');
    const result = await confirm(deps, tokenOf(event, formFields(event)));
    if (!result.ok) return badConfirmLink(deps, result.problem);
    return page(deps, 200, {
      title: "You're subscribed",
      paragraphs: [
        result.alreadyConfirmed ? `You were already subscribed to ${name}.` : `Thank you: ${name} will arrive in your inbox from the next edition.`,
        'Every email has a link at the bottom to unsubscribe at once.',
      ],
      link: { href: urls.home(deps.config), text: `Read ${name}` },
    });
  });
}

function badUnsubscribeLink(deps: SubscriberDeps): FunctionUrlResult {
  const mailto = deps.config.unsubscribe.mailto;
  return page(deps, 400, {
    title: 'This unsubscribe link does not work',
    paragraphs: [
      'It is incomplete or has been changed. Open the whole link from the bottom of one of our emails.',
      mailto ? `Or write to ${mailto} and we will take you off the list.` : 'Or reply to one of our emails and we will take you off the list.',
    ],
    ...(mailto && { link: { href: `mailto:${mailto}?subject=unsubscribe`, text: `Write to ${mailto}` } }),
  });
}

/**
 * GET shows a button; POST unsubscribes, from that button or as an RFC 8058 one-click request
 * (`List-Unsubscribe=One-Click`, token in the query string), which gets a short plain answer. Idempotent.
 */
export function handleUnsubscribeRequest(deps: SubscriberDeps, event: FunctionUrlEvent): Promise<FunctionUrlResult> {
  return guarded(deps, 'unsubscribe', async () => {
    const name = deps.config.publication.name;
    const method = requestMethod(event);
    if (method === 'GET') {
      const token = tokenOf(event);
      if (!checkUnsubscribeToken(deps, token).ok) return badUnsubscribeLink(deps);
      return page(deps, 200, {
        title: `Unsubscribe from ${name}`,
        paragraphs: [`Press the button and you will get no more emails from ${name}.`],
        form: { button: 'Unsubscribe', hidden: [{ name: 'token', value: token }] },
      });
    }
    if (method !== 'POST') return methodNotAllowed(deps, 'GET, POST');
    const form = formFields(event);
    const oneClick = form.get('List-Unsubscribe') === 'One-Click';
    const result = await unsubscribe(deps, tokenOf(event, form));
    if (oneClick) return result.ok ? textResponse(200, 'Unsubscribed.\n') : textResponse(400, 'This unsubscribe link is not valid.\n');
    if (!result.ok) return badUnsubscribeLink(deps);
    return page(deps, 200, {
      title: "You're unsubscribed",
      paragraphs: [`You will get no more emails from ${name}.`, 'Changed your mind? You can subscribe again at any time.'],
      link: { href: urls.subscribe(deps.config), text: 'Subscribe again' },
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
