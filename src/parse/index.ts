import { remembered } from '../remembered.ts';
import type { EditorialLimits } from '../config.ts';
import type { Editorial, Rejection } from '../model.ts';
import { DATE_FORMAT_HINT, fileNameDate, isValidDate } from './dates.ts';
import { decodeLines } from './decode.ts';
import { baseName, checkSlug, extensionOf, slugFromFileName } from './identity.ts';
import { canonicalLang, textDirection } from './lang.ts';
import { lineTooLongReason, tooLargeReason } from './limits.ts';
import { parseMarkdown } from './markdown.ts';
import { parsePlainText } from './plain-text.ts';
import { EditorialError, reject } from './rejection.ts';
import { wireFields } from './wire-fields.ts';
import { dropBidiControls } from '../strings.ts';

export interface ParseOptions {
  /** Publication name, e.g. "Monexus": the framing note is the last paragraph before the provenance section when it starts with "<name> frames". */
  publication: string;
  /** Language when the editorial says none (config.publication.language). */
  defaultLang: string;
  /** The date the caller knows: S3 upload time, or the CLI's --date. Beats the file-name date. */
  date?: Date;
  /** Last resort when no date is known at all (e.g. the file's mtime). */
  fallbackDate?: Date;
  /** Larger files and longer lines are rejected before any parsing (config.limits). */
  limits: EditorialLimits;
}

export type ParseResult = { ok: true; editorial: Editorial } | { ok: false; rejection: Rejection };

/** Published date: front matter, else the caller's date, else the file name's leading YYYY-MM-DD, else the fallback. */
function resolvePublished(file: string, frontMatterDate: Date | undefined, options: ParseOptions): Date {
  if (frontMatterDate) return frontMatterDate;
  if (isValidDate(options.date)) return options.date;
  const fromName = fileNameDate(baseName(file));
  if (fromName.kind === 'valid') return fromName.date;
  if (fromName.kind === 'invalid') {
    reject(
      `the file name starts with "${fromName.text}", which is not a valid date: rename the file with a real date (YYYY-MM-DD) or give "published:" in the front matter.`,
    );
  }
  if (isValidDate(options.fallbackDate)) return options.fallbackDate;
  return reject(
    `no publication date: the file name does not start with a date (YYYY-MM-DD) and none was given; start the file name with the date, e.g. 2026-07-13-harbour-talks.txt, or pass one (${DATE_FORMAT_HINT}).`,
  );
}

type Language = { lang: string; dir: 'ltr' | 'rtl' };

// Every parse falls back on the publication's one language: worked out once (a copy is handed out each time).
const languageOf = remembered((defaultLang): Language => {
  const lang = canonicalLang(defaultLang.trim()) ?? defaultLang.trim();
  return { lang, dir: textDirection(lang) };
}, 100);

function defaultLanguage(options: ParseOptions): Language {
  const { lang, dir } = languageOf(options.defaultLang);
  return { lang, dir };
}

function parsePlainTextEditorial(file: string, lines: string[], options: ParseOptions): Editorial {
  const content = parsePlainText(lines, options.publication);
  const published = resolvePublished(file, undefined, options);
  return {
    file,
    slug: slugFromFileName(file),
    form: 'text',
    title: content.title,
    ...defaultLanguage(options),
    published,
    updated: published,
    topics: [],
    status: 'published',
    ...definedOnly({ framing: content.framing, provenanceIntro: content.provenance.intro }),
    sources: content.provenance.sources,
    blocks: content.blocks,
  };
}

/** The one-line fields with no bidi embedding, override or isolate control (source labels are cleaned where they
 * are made). A title of nothing else is no title. */
function withoutBidiControls(editorial: Editorial): Editorial {
  const title = dropBidiControls(editorial.title).trim();
  if (!title)
    reject(
      'the title is empty once its invisible direction controls (U+202A–U+202E, U+2066–U+2069) are removed: give the editorial a title in words.',
    );
  const clean = (text: string | undefined) => (text === undefined ? undefined : dropBidiControls(text));
  return {
    ...editorial,
    title,
    topics: editorial.topics.map((t) => dropBidiControls(t)).filter(Boolean),
    ...definedOnly({ summary: clean(editorial.summary), author: clean(editorial.author) }),
  };
}

/** The optional fields that have a value, so absent ones are absent rather than undefined. */
function definedOnly<T extends object>(fields: T): Partial<T> {
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)) as Partial<T>;
}

const STATUSES = ['published', 'withdrawn'] as const;

function parseMarkdownEditorial(file: string, lines: string[], options: ParseOptions): Editorial {
  const content = parseMarkdown(lines, options.publication);
  const fm = content.frontMatter;

  const slugText = fm.oneLine('slug');
  const slug = slugText === undefined ? slugFromFileName(file) : checkSlug(slugText, fm.line('slug'));

  const langText = fm.oneLine('lang');
  let language = defaultLanguage(options);
  if (langText !== undefined) {
    const lang = canonicalLang(langText);
    if (!lang) {
      reject(
        `the front matter field "lang" ("${langText}") is not a language tag: use a BCP 47 tag such as en, en-GB, ar, fr, uk.`,
        fm.line('lang'),
      );
    }
    language = { lang, dir: textDirection(lang) };
  }

  const statusText = fm.oneLine('status');
  const status = statusText === undefined ? 'published' : STATUSES.find((s) => s === statusText.toLowerCase());
  if (!status)
    reject(
      `the front matter field "status" is "${statusText}": it must be "published" or "withdrawn".`,
      fm.line('status'),
    );

  const resendText = fm.oneLine('resend')?.toLowerCase();
  if (resendText !== undefined && resendText !== 'true' && resendText !== 'false') {
    reject(
      `the front matter field "resend" is "${resendText}": it must be true (send this correction to subscribers again) or false.`,
      fm.line('resend'),
    );
  }

  const published = resolvePublished(file, fm.date('published'), options);
  const updated = fm.date('updated') ?? published;
  if (updated.getTime() < published.getTime()) {
    reject(
      `the front matter field "updated" (${updated.toISOString()}) is earlier than the publication date (${published.toISOString()}): an update comes after publication; fix either date.`,
      fm.line('updated'),
    );
  }
  return {
    file,
    slug,
    form: 'markdown',
    title: content.title,
    ...language,
    published,
    updated,
    topics: fm.topics(),
    status,
    ...(resendText === 'true' ? { resend: true } : {}),
    ...wireFields(fm),
    ...definedOnly({
      summary: fm.oneLine('summary'),
      author: fm.oneLine('author'),
      framing: content.framing,
      correction: fm.paragraph('correction'),
      embargo: fm.date('embargo'),
      emailSendAt: fm.emailSendAt(),
      provenanceIntro: content.provenanceIntro,
    }),
    sources: content.sources,
    blocks: content.blocks,
  };
}

/**
 * Parses and validates one approved editorial. `.md` files are Markdown with YAML front matter; anything
 * else is the plain-text form. Never throws for bad input: the result says why the editorial was rejected.
 */
export function parseEditorial(file: string, bytes: Uint8Array, options: ParseOptions): ParseResult {
  try {
    if (bytes.length > options.limits.maxEditorialBytes) reject(tooLargeReason(bytes.length, options.limits));
    const lines = decodeLines(bytes);
    const long = lines.findIndex((line) => line.length > options.limits.maxLineLength);
    if (long >= 0) reject(lineTooLongReason(lines[long]!.length, options.limits), long + 1);
    const editorial =
      extensionOf(file) === 'md' || extensionOf(file) === 'markdown'
        ? parseMarkdownEditorial(file, lines, options)
        : parsePlainTextEditorial(file, lines, options);
    return { ok: true, editorial: withoutBidiControls(editorial) };
  } catch (error) {
    if (error instanceof EditorialError)
      return { ok: false, rejection: { file, line: error.line, reason: error.message } };
    throw error;
  }
}
