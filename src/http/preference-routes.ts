import { isProofLink } from '../render/email/proof-link.ts';
import { urls } from '../render/urls.ts';
import type { SubscriberDeps } from '../subscribers/flows.ts';
import {
  changeCadence,
  changeTopics,
  erase,
  exportData,
  preferencesOf,
  type PreferenceView,
} from '../subscribers/preferences.ts';
import {
  preferenceMessages,
  preferenceText,
  renderPreferencePage,
  type PreferencePageInput,
} from './preference-page.ts';
import { renderNotice, type Notice } from './pages.ts';
import { formFields, queryParams, requestMethod } from './request.ts';
import { downloadResponse, htmlResponse } from './response.ts';
import { badUnsubscribeLink, guarded, handleUnsubscribeRequest } from './subscriber-routes.ts';
import type { FunctionUrlEvent, FunctionUrlResult } from './types.ts';

/**
 * The link at the bottom of every email: GET shows the preference page (topics, cadence, unsubscribe, download,
 * erase); each POST does one thing, named by its `action`. An unsubscribe (a button without an action, or an RFC 8058
 * one-click POST) and every bad link are the unsubscribe route's, exactly as before.
 */
export function handlePreferenceRequest(deps: SubscriberDeps, event: FunctionUrlEvent): Promise<FunctionUrlResult> {
  // A failure (a table throttling, a body too large) gets the same page as on the other subscriber routes.
  return guarded(deps, 'preferences', event, () => answer(deps, event));
}

async function answer(deps: SubscriberDeps, event: FunctionUrlEvent): Promise<FunctionUrlResult> {
  const method = requestMethod(event);
  if (method === 'GET' && isProofLink(queryParams(event)))
    return proofPage(deps, queryParams(event).get('lang') ?? undefined);
  if (method === 'GET') {
    const token = queryParams(event).get('token') ?? '';
    const view = await preferencesOf(deps, token);
    if (!view.ok)
      return view.problem === 'gone'
        ? gone(deps, queryParams(event).get('lang') ?? undefined)
        : handleUnsubscribeRequest(deps, event);
    return page(deps, 200, token, view);
  }
  if (method !== 'POST') return handleUnsubscribeRequest(deps, event);
  const form = formFields(event);
  // A one-click POST from a proof's List-Unsubscribe header, or a button on a page reached from a proof.
  if (isProofLink(queryParams(event), form))
    return proofPage(deps, form.get('lang') ?? queryParams(event).get('lang') ?? undefined);
  const action = form.get('action');
  const token = form.get('token') ?? '';
  if (form.get('List-Unsubscribe') === 'One-Click' || action === null || action === 'unsubscribe')
    return handleUnsubscribeRequest(deps, event);
  if (action === 'topics') {
    const changed = await changeTopics(deps, token, form.getAll('topics'));
    if (!changed.ok && (changed.problem === 'invalid' || changed.problem === 'gone'))
      return changed.problem === 'gone' ? gone(deps) : badLink(deps);
    const view = await preferencesOf(deps, token);
    if (!view.ok) return gone(deps);
    const saved = changed.ok ? 'saved' : changed.problem === 'no-topic' ? 'noTopic' : 'notSubscribed';
    return page(deps, changed.ok ? 200 : 400, token, view, saved);
  }
  if (action === 'cadence') {
    const changed = await changeCadence(deps, token, form.get('cadence'));
    if (!changed.ok && (changed.problem === 'invalid' || changed.problem === 'gone'))
      return changed.problem === 'gone' ? gone(deps) : badLink(deps);
    const view = await preferencesOf(deps, token);
    if (!view.ok) return gone(deps);
    const saved = changed.ok
      ? 'cadence.saved'
      : changed.problem === 'not-offered'
        ? 'cadence.refused'
        : 'cadence.notSubscribed';
    return page(deps, changed.ok ? 200 : 400, token, view, saved);
  }
  if (action === 'export') {
    const data = await exportData(deps, token);
    if (!data.ok) return data.problem === 'gone' ? gone(deps) : badLink(deps);
    return downloadResponse(data.json, 'application/json; charset=utf-8', data.fileName);
  }
  if (action === 'erase') {
    const view = await preferencesOf(deps, token);
    if (!view.ok) return view.problem === 'gone' ? gone(deps) : badLink(deps);
    // The box must be ticked: one stray press of a button must not erase a subscription.
    if (form.get('confirm') !== 'yes') return page(deps, 400, token, view);
    await erase(deps, token);
    return notice(deps, 200, languageOf(view), (text) => ({
      title: text.erasedTitle,
      paragraphs: [text.erasedText],
      link: { href: urls.home(deps.config), text: deps.config.publication.name },
    }));
  }
  return page(deps, 400, token, await preferencesOf(deps, token));
}

/** Set by the subscribe form from the page's language; absent on older records. */
const languageOf = (view: Extract<PreferenceView, { ok: true }>): string | undefined =>
  (view.subscriber as { language?: string }).language;

function page(
  deps: SubscriberDeps,
  status: number,
  token: string,
  view: PreferenceView,
  saved?: PreferencePageInput['saved'],
): FunctionUrlResult {
  if (!view.ok) return gone(deps);
  const input: PreferencePageInput = {
    token,
    email: view.subscriber.email,
    ...(languageOf(view) !== undefined && { language: languageOf(view) }),
    topics: view.topics.map(({ topic, chosen }) => ({ ...topic, chosen })),
    cadence: view.subscriber.cadence ?? 'each',
    ...(saved && { saved }),
  };
  return htmlResponse(status, renderPreferencePage(deps.config, input));
}

/** A plain page of the preference flows, in `language` (the reader's) where there is one, else the publication's. */
function notice(
  deps: SubscriberDeps,
  status: number,
  language: string | undefined,
  content: (text: ReturnType<typeof preferenceText>) => Notice,
): FunctionUrlResult {
  const m = preferenceMessages(deps.config, language);
  const text = preferenceText(m, { publication: deps.config.publication.name });
  return htmlResponse(status, renderNotice(deps.config, content(text), m.lang));
}

function gone(deps: SubscriberDeps, language?: string): FunctionUrlResult {
  return notice(deps, 404, language, (text) => ({
    title: text.goneTitle,
    paragraphs: [text.goneText],
    link: { href: urls.subscribe(deps.config), text: text.subscribeAgain },
  }));
}

/**
 * The answer to a proof's unsubscribe link (`?proof=1`, no token; see src/render/email/proof-link.ts): nothing
 * changes, and a plain page in the reader's language (the link's `lang`, else the publication's) says why.
 */
function proofPage(deps: SubscriberDeps, language: string | undefined): FunctionUrlResult {
  return notice(deps, 200, language?.slice(0, 35), (text) => ({
    title: text.proofTitle,
    paragraphs: [text.proofText],
    link: { href: urls.home(deps.config), text: deps.config.publication.name },
  }));
}

/** A changed or incomplete token: the unsubscribe route's own answer, in the publication's language. */
const badLink = (deps: SubscriberDeps) => badUnsubscribeLink(deps, preferenceMessages(deps.config, undefined));
