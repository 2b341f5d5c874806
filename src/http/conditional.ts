/*
 * Conditional GET and HEAD of a stored object (RFC 9110 section 13), answered the way S3 and CloudFront answer
 * them: a feed reader polls with the ETag or Last-Modified of its last copy and gets 304 Not Modified, without a
 * body, as long as that copy is current. Request headers are the client's to choose, so each is read in a single
 * forward scan (or refused by length first): a hostile value costs time in proportion to its size and no more.
 */

/** What identifies the stored version: the store's entity tag and modification time. */
export interface Validators {
  /** As the store reports it (S3: `"<md5>"`, quoted); absent or unusable means no ETag. */
  etag?: string | undefined;
  lastModified?: Date | undefined;
}

/** The request's precondition headers, as Node hands them over (duplicated If-None-Match lines joined by commas). */
export interface Preconditions {
  ifNoneMatch?: string | undefined;
  ifModifiedSince?: string | undefined;
}

const SP = 0x20;
const HTAB = 0x09;
const COMMA = 0x2c;
const DQUOTE = 0x22;

/** A well-formed entity-tag (RFC 9110 section 8.8.3): optional `W/`, then a quoted string of etagc. */
const ENTITY_TAG = /^(?:W\/)?"[\x21\x23-\x7e\x80-\xff]*"$/;
/** etagc alone: what a store may report without the quotes. */
const OPAQUE = /^[\x21\x23-\x7e\x80-\xff]*$/;

/** The ETag header for a stored version: the store's tag, quoted if the store gave it bare; undefined when there is
 * none or it could not stand in a header. */
export function entityTag(etag: string | undefined): string | undefined {
  if (!etag || etag.length > 1024) return undefined;
  if (ENTITY_TAG.test(etag)) return etag;
  return OPAQUE.test(etag) ? `"${etag}"` : undefined;
}

/** The Last-Modified header: HTTP-date (IMF-fixdate) has whole seconds. */
export function httpDate(date: Date | undefined): string | undefined {
  return date && Number.isFinite(date.getTime()) ? date.toUTCString() : undefined;
}

/**
 * Whether to answer 304 Not Modified to a GET or HEAD of an existing object (RFC 9110 section 13.2.2): with
 * If-None-Match, only the entity tags count and If-Modified-Since is ignored; otherwise a valid If-Modified-Since
 * that is not in the future and not before the last modification (to the second) means not modified.
 */
export function isNotModified(request: Preconditions, current: Validators, now: Date): boolean {
  if (request.ifNoneMatch !== undefined) return noneMatchFails(request.ifNoneMatch, entityTag(current.etag));
  if (request.ifModifiedSince === undefined || httpDate(current.lastModified) === undefined) return false;
  const since = parseHttpDate(request.ifModifiedSince, now);
  if (since === undefined || since > now.getTime()) return false;
  return Math.floor(current.lastModified!.getTime() / 1000) * 1000 <= since;
}

/**
 * If-None-Match evaluated for an existing representation: true when the field is `*` or lists an entity tag that
 * matches `etag` by weak comparison (`W/"x"` and `"x"` are the same), which is what makes a GET answer 304.
 * Elements that are not entity tags are skipped, and an unterminated quote ends the list.
 */
export function noneMatchFails(field: string, etag: string | undefined): boolean {
  if (isStar(field)) return true;
  if (etag === undefined) return false;
  const wanted = etag.startsWith('W/') ? etag.slice(2) : etag;
  let i = 0;
  while (i < field.length) {
    const c = field.charCodeAt(i);
    if (c === COMMA || c === SP || c === HTAB) {
      i++;
      continue;
    }
    const open = field.startsWith('W/', i) ? i + 2 : i;
    if (field.charCodeAt(open) === DQUOTE) {
      const close = field.indexOf('"', open + 1);
      if (close < 0) return false;
      i = close + 1;
      while (i < field.length && (field.charCodeAt(i) === SP || field.charCodeAt(i) === HTAB)) i++;
      const whole = i === field.length || field.charCodeAt(i) === COMMA;
      if (whole && close + 1 - open === wanted.length && field.startsWith(wanted, open)) return true;
    }
    // On to the next element; `i` only ever moves forward, so the whole field is scanned once.
    const next = field.indexOf(',', i);
    if (next < 0) return false;
    i = next + 1;
  }
  return false;
}

/** `*` alone, with optional whitespace around it; compared without trimming a copy of a possibly huge field. */
function isStar(field: string): boolean {
  let start = 0;
  let end = field.length;
  while (start < end && (field.charCodeAt(start) === SP || field.charCodeAt(start) === HTAB)) start++;
  while (end > start && (field.charCodeAt(end - 1) === SP || field.charCodeAt(end - 1) === HTAB)) end--;
  return end - start === 1 && field.charCodeAt(start) === 0x2a;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
/** `Sun, 06 Nov 1994 08:49:37 GMT`, the one form senders may generate. */
const IMF_FIXDATE =
  /^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), (\d\d) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) (\d{4}) (\d\d):(\d\d):(\d\d) GMT$/;
/** `Sunday, 06-Nov-94 08:49:37 GMT`, obsolete but to be accepted. */
const RFC850_DATE =
  /^(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday), (\d\d)-(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)-(\d\d) (\d\d):(\d\d):(\d\d) GMT$/;
/** `Sun Nov  6 08:49:37 1994`, C's asctime(), obsolete but to be accepted. */
const ASCTIME_DATE =
  /^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) ([ \d]\d) (\d\d):(\d\d):(\d\d) (\d{4})$/;
/** Longer than the longest HTTP-date (an RFC 850 date on a Wednesday is 33 characters). */
const MAX_DATE_LENGTH = 40;

/**
 * An HTTP-date (RFC 9110 section 5.6.7) in any of its three forms, as milliseconds since the epoch; undefined for
 * anything else, including impossible dates such as 31 Feb. `now` resolves the two-digit years of RFC 850 dates.
 */
export function parseHttpDate(value: string, now: Date): number | undefined {
  if (value.length > MAX_DATE_LENGTH) return undefined;
  let parts: [day: string, month: string, year: number, hour: string, minute: string, second: string];
  let m: RegExpExecArray | null;
  if ((m = IMF_FIXDATE.exec(value))) parts = [m[1]!, m[2]!, Number(m[3]), m[4]!, m[5]!, m[6]!];
  else if ((m = ASCTIME_DATE.exec(value))) parts = [m[2]!, m[1]!, Number(m[6]), m[3]!, m[4]!, m[5]!];
  else if ((m = RFC850_DATE.exec(value))) {
    // A two-digit year more than 50 years ahead is the most recent past year with those digits (section 5.6.7).
    let year = 2000 + Number(m[3]);
    if (year > now.getUTCFullYear() + 50) year -= 100;
    parts = [m[1]!, m[2]!, year, m[4]!, m[5]!, m[6]!];
  } else return undefined;
  const [day, month, year, hour, minute, second] = parts;
  const d = Number(day);
  const mo = MONTHS.indexOf(month);
  const [h, mi, s] = [Number(hour), Number(minute), Number(second)];
  // 60 is the leap second the grammar allows; Date.UTC carries it into the next minute.
  if (h > 23 || mi > 59 || s > 60) return undefined;
  const time = Date.UTC(year, mo, d, h, mi, s);
  const check = new Date(Date.UTC(year, mo, d));
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== mo || check.getUTCDate() !== d) return undefined;
  return time;
}
