import type { Config } from '../../config.ts';
import type { Editorial } from '../../model.ts';
import {
  continueReadingHtml,
  emailBlocksHtml,
  emailText,
  emailView,
  preheaderOf,
  subjectOf,
  type EmailView,
} from './content.ts';
import { emailLayoutParts } from './layout.ts';
import { occurrences, unsubscribePlaceholder } from './placeholder.ts';
import type { EmailTemplate } from './types.ts';
import { urls } from '../urls.ts';
import { chromeOf } from '../chrome.ts';
import { BroadsheetError } from '../../errors.ts';

/** Room for the unsubscribe URL each recipient's copy splices in place of the placeholder. */
export const UNSUBSCRIBE_URL_ALLOWANCE = 256;
/** Kept free under `config.email.clipBytes`, so a longer URL or a client's own additions stay under it too. */
export const CLIP_HEADROOM = 1024;
const MAX_RENDERS = 6;

/**
 * The email cannot be cut to fit the clipping budget: what is never cut (title, notes, the provenance footer with
 * every source) is too large by itself. This is the editorial's doing, not a fault to retry, so the CLI and the
 * publish function reject the editorial with `reason`.
 */
export class EmailTooLargeError extends BroadsheetError {
  override name = 'EmailTooLargeError';

  constructor(
    readonly file: string,
    readonly reason: string,
  ) {
    super(`${file}: ${reason}`);
  }
}

const count = (n: number) => n.toLocaleString('en-US');

interface Rendered {
  html: string;
  placeholder: string;
}

const bytes = (s: string) => Buffer.byteLength(s, 'utf8');

/**
 * The HTML size a recipient's copy will have, with a realistic unsubscribe URL in place of the placeholder, which
 * `compile` made sure the HTML holds exactly once.
 */
function personalisedSize(rendered: Rendered): number {
  return bytes(rendered.html) + UNSUBSCRIBE_URL_ALLOWANCE - rendered.placeholder.length;
}

/**
 * Whether a recipient's copy stays within `limit` bytes. No UTF-16 unit takes more than three bytes in UTF-8, so an
 * email under a third of the limit in units is known to fit without its bytes being counted.
 */
function fits(rendered: Rendered, limit: number): boolean {
  const most = 3 * rendered.html.length + UNSUBSCRIBE_URL_ALLOWANCE - rendered.placeholder.length;
  return most <= limit || personalisedSize(rendered) <= limit;
}

/**
 * The email's HTML for a view, in parts split where the unsubscribe placeholder goes: the compiled layout
 * (`emailLayoutParts`) in every render; the tests pass mjml's own compile of the MJML source, split at
 * `PLACEHOLDER_MARK`, to show that both write the same bytes.
 */
export type EmailLayoutRender = (view: EmailView) => readonly string[] | Promise<readonly string[]>;

/**
 * The view's placeholder while the document is filled: the compiled layout leaves its place empty, mjml's compile (in
 * the tests) writes this mark there and the document is split at it. No text holds a NUL.
 */
export const PLACEHOLDER_MARK = '\u0000bsunsub\u0000';

async function compile(
  editorial: Editorial,
  config: Config,
  blocks: readonly string[],
  kept: number,
  layout: EmailLayoutRender,
): Promise<Rendered> {
  const parts = await layout(emailView(editorial, config, blocks, kept, PLACEHOLDER_MARK));
  if (parts.length !== 2)
    throw new Error(
      `${editorial.file}: the email layout holds the unsubscribe placeholder ${parts.length - 1} times, expected once`,
    );
  const [before, after] = parts as [string, string];
  let html = '';
  const placeholder = unsubscribePlaceholder(
    [before, after],
    (p) => occurrences((html = `${before}${p}${after}`), p) === 1,
  );
  return { html, placeholder };
}

/**
 * The largest number of leading blocks whose weight fits `room`, not ending on a heading (a heading
 * without its section would be the last thing a reader sees before the link).
 */
function blocksFitting(editorial: Editorial, weights: readonly number[], room: number, atMost: number): number {
  let kept = 0;
  let used = 0;
  while (kept < atMost && used + weights[kept]! <= room) used += weights[kept++]!;
  while (kept > 0 && editorial.blocks[kept - 1]!.kind === 'heading') kept--;
  return kept;
}

/**
 * Renders the editorial's email once for every recipient. When the HTML would pass the clipping limit
 * (Gmail hides what follows about 102 KB, the unsubscribe link with it), the body is cut after the last
 * block that fits and both parts link to the full editorial; the provenance footer is always kept whole.
 */
export async function renderEmail(
  editorial: Editorial,
  config: Config,
  layout: EmailLayoutRender = emailLayoutParts,
): Promise<EmailTemplate> {
  const blocks = emailBlocksHtml(editorial);
  const limit = config.email.clipBytes - CLIP_HEADROOM;
  let kept = blocks.length;
  let rendered = await compile(editorial, config, blocks, kept, layout);

  if (!fits(rendered, limit)) {
    // Block markup reaches the output unchanged, so the full render's size minus the blocks is the fixed cost.
    const weights = blocks.map((b) => bytes(b) + 1);
    const fixed =
      personalisedSize(rendered) -
      weights.reduce((a, b) => a + b, 0) +
      bytes(continueReadingHtml(urls.page(config, editorial.slug), chromeOf(editorial, config))) +
      1;
    kept = blocksFitting(editorial, weights, limit - fixed, blocks.length - 1);
    for (let renders = 1; ; renders++) {
      rendered = await compile(editorial, config, blocks, kept, layout);
      const size = personalisedSize(rendered);
      if (size <= limit) break;
      if (kept === 0 || renders >= MAX_RENDERS) {
        const cut = kept === 0 ? 'with none of the body' : `with the body cut to its first ${kept} blocks`;
        throw new EmailTooLargeError(
          editorial.file,
          `the email would be ${count(size)} bytes even ${cut}, over the ${count(limit)}-byte clipping budget (email.clipBytes: Gmail hides what follows, the unsubscribe link with it): the provenance footer's ${editorial.sources.length} sources, the title and the notes take that room; list fewer sources or shorter source addresses (tracking and AMP links usually have a short form), or shorten the framing note and the correction.`,
        );
      }
      let excess = size - limit;
      let next = kept;
      while (next > 0 && excess > 0) excess -= weights[--next]!;
      kept = blocksFitting(editorial, weights, Infinity, next);
    }
  }

  const text = emailText(editorial, config, kept, rendered.placeholder);
  if (occurrences(text, rendered.placeholder) !== 1) {
    throw new Error(`${editorial.file}: email text holds the unsubscribe placeholder other than once`);
  }
  return {
    subject: subjectOf(editorial),
    preheader: preheaderOf(editorial),
    html: rendered.html,
    text,
    placeholder: rendered.placeholder,
    clipped: kept < blocks.length,
    pageUrl: urls.page(config, editorial.slug),
    language: chromeOf(editorial, config).lang,
  };
}
