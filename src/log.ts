/**
 * Structured JSON logs, one object a line. A subscriber's address never reaches a log: every address in any string
 * value, whatever field it sits in, is replaced by `[address]`, local part and domain alike.
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  child(fields: LogFields): Logger;
}

/** What every address in a log line becomes: nothing of its local part or domain is kept. */
export const ADDRESS_MASK = '[address]';

/** RFC 5322 specials: the only printable ASCII characters an unquoted local part cannot hold. */
const SPECIALS = new Set(['(', ')', '<', '>', '[', ']', ':', ';', '@', '\\', ',', '"']);
const SPACE = /\s/;

/** A character of an unquoted local part: RFC 5322 atext or a dot, or any non-ASCII character but a space (RFC 6531). */
function inAtom(c: string): boolean {
  const code = c.charCodeAt(0);
  if (code <= 0x20 || code === 0x7f || (code >= 0x80 && code <= 0x9f)) return false;
  return code < 0x80 ? !SPECIALS.has(c) : !SPACE.test(c);
}

/** A character of a domain name: ASCII letters, digits, `-` and dots, or non-ASCII (an internationalised name). */
function inDomain(c: string): boolean {
  const code = c.charCodeAt(0);
  if (code < 0x80) return /[A-Za-z0-9.-]/.test(c);
  return code > 0x9f && !SPACE.test(c);
}

/** The end of the domain that starts at `from` (`example.org`, `[192.0.2.1]`), or -1 when none starts there. */
function domainEnd(text: string, from: number): number {
  if (text[from] === '[') {
    // An address literal, [192.0.2.1] or [IPv6:2001:db8::1] (RFC 5321 dtext: no space, [, ] or \\), looked for
    // within 64 characters only.
    const close = text.slice(from, from + 64).indexOf(']');
    return close > 1 && !/[\s[\\]/.test(text.slice(from + 1, from + close)) ? from + close + 1 : -1;
  }
  let end = from;
  while (end < text.length && inDomain(text[end]!)) end++;
  while (end > from && (text[end - 1] === '.' || text[end - 1] === '-')) end--;
  const domain = text.slice(from, end);
  return domain.includes('.') && !domain.startsWith('.') && !domain.includes('..') ? end : -1;
}

/** A quoted local part is at most 64 octets (RFC 5321), well under this many characters with its escapes. */
const MAX_QUOTED = 256;

/**
 * Where the quoted string that closes with the quote at `close` opens (a quote not escaped by `\`), or -1. Looks
 * back MAX_QUOTED characters at most, so a line of escaped quotes costs linear time, not quadratic.
 */
function quoteOpening(text: string, close: number, floor: number): number {
  const limit = Math.max(floor, close - MAX_QUOTED);
  for (let i = close - 1; i >= limit; i--) {
    if (text[i] !== '"') continue;
    let backslashes = 0;
    while (i - 1 - backslashes >= limit && text[i - 1 - backslashes] === '\\') backslashes++;
    if (backslashes % 2 === 0) return i;
  }
  return -1;
}

/**
 * Where the local part that ends at `at` starts: back over atoms, dots and quoted strings (`"john smith"`, and the
 * obsolete `"john".smith`), as far as they go. Greedy on purpose: a few characters too many masked leak nothing.
 */
function localPartStart(text: string, at: number, floor: number): number {
  let start = at;
  for (;;) {
    if (start > floor && text[start - 1] === '"') {
      const open = quoteOpening(text, start - 1, floor);
      if (open < 0) return start;
      start = open;
      continue;
    }
    let i = start;
    while (i > floor && inAtom(text[i - 1]!)) i--;
    if (i === start) return start;
    start = i;
  }
}

/** The length of the `@` sign at `i`: 1 for `@`, 3 for `%40` (percent-encoded, as in a logged URL), else 0. */
function atSign(text: string, i: number): number {
  if (text[i] === '@') return 1;
  return text[i] === '%' && text.slice(i + 1, i + 3).toUpperCase() === '40' ? 3 : 0;
}

/**
 * When an `@` at `from` may sit inside a quoted local part (`"a b@c.co"@x.org`): the closing quote (the first
 * unescaped one within MAX_QUOTED characters) and the end of the domain after it; undefined when there is none.
 */
function quotedAddressAfter(text: string, from: number): { close: number; end: number } | undefined {
  const limit = Math.min(text.length, from + MAX_QUOTED);
  for (let i = from; i < limit; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === '"') {
      const sign = atSign(text, i + 1);
      const end = sign ? domainEnd(text, i + 1 + sign) : -1;
      return end < 0 ? undefined : { close: i, end };
    }
  }
  return undefined;
}

/**
 * Replaces every address in a text (`local@domain`: the local part dot-atom, quoted or UTF-8; the domain a name
 * with a dot, or an address literal) with ADDRESS_MASK. One pass, each character read a bounded number of times:
 * a pattern like /[^@]+@[^@]+\.[^@]+/g would try every start of a long run without an address (quadratic time
 * on a long log value).
 */
function maskText(text: string): string {
  let out = '';
  let copied = 0;
  for (let i = 0; i < text.length; i++) {
    const sign = atSign(text, i);
    if (sign === 0) continue;
    let end = domainEnd(text, i + sign);
    if (end < 0) continue;
    let start = localPartStart(text, i, copied);
    if (start === i) continue;
    // This `@` may sit inside a quoted local part (`"a b@c.co"@x.org`, `"a\"@[b]"@x.org`): then the address is the
    // whole quoted string, opened before it and closed after it, up to the domain after the closing quote.
    const quoted = quotedAddressAfter(text, i);
    const open = quoted ? quoteOpening(text, quoted.close, copied) : -1;
    if (quoted && open >= 0 && open < i) {
      start = Math.min(start, localPartStart(text, open, copied));
      end = quoted.end;
    }
    out += text.slice(copied, start) + ADDRESS_MASK;
    copied = end;
    i = end - 1;
  }
  return copied === 0 ? text : out + text.slice(copied);
}

/** Causes followed below a logged error: enough for any chain Broadsheet builds, and an end to one that loops. */
const MAX_CAUSES = 8;

/**
 * An error as a log line shows it: its name and message, then its `cause`, and the cause's cause, down the chain (a
 * cause that is not an Error is shown as it is), so a line says both what failed here and what failed below.
 */
function errorFields(error: Error, depth: number): Record<string, unknown> {
  const fields: Record<string, unknown> = { name: error.name, message: maskAddresses(error.message) };
  if (error.cause === undefined) return fields;
  if (depth >= MAX_CAUSES) fields.cause = '[further causes left out]';
  else fields.cause = error.cause instanceof Error ? errorFields(error.cause, depth + 1) : maskAddresses(error.cause);
  return fields;
}

export function maskAddresses(value: unknown): unknown {
  if (typeof value === 'string') return maskText(value);
  if (value instanceof Error) return errorFields(value, 0);
  if (Array.isArray(value)) return value.map(maskAddresses);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, maskAddresses(v)]));
  }
  return value;
}

export function createLogger(
  base: LogFields = {},
  write: (line: string) => void = (line) => process.stdout.write(`${line}\n`),
): Logger {
  const emit =
    (level: LogLevel) =>
    (message: string, fields: LogFields = {}) =>
      write(JSON.stringify(maskAddresses({ level, time: new Date().toISOString(), message, ...base, ...fields })));
  return {
    debug: emit('debug'),
    info: emit('info'),
    warn: emit('warn'),
    error: emit('error'),
    child: (fields) => createLogger({ ...base, ...fields }, write),
  };
}
