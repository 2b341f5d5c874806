/**
 * Structured JSON logs, one object a line. A subscriber's address never reaches a log: any string value that
 * looks like an email address is masked, whatever field it sits in.
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

/** A run of characters that can belong to an address: what lies between spaces, quotes, brackets and the like. */
const WORD = /[^\s<>"',;:()[\]]+/g;

/**
 * Masks `local@domain.tld` within each word, as /[^…@]+@[^…@]+\.[^…@]+/g would, in one pass: that pattern would
 * try every start of a long word without an @ (quadratic time on a long log value).
 */
function maskWord(word: string): string {
  if (!word.includes('@')) return word;
  const parts = word.split('@');
  let out = '';
  for (let i = 0; i < parts.length; i++) {
    const next = parts[i + 1];
    if (parts[i] !== '' && next !== undefined && next.slice(1, -1).includes('.')) {
      out += '[address]';
      i++;
    } else {
      out += parts[i]!;
    }
    if (i < parts.length - 1) out += '@';
  }
  return out;
}

export function maskAddresses(value: unknown): unknown {
  if (typeof value === 'string') return value.replace(WORD, maskWord);
  if (value instanceof Error) return { name: value.name, message: maskAddresses(value.message) };
  if (Array.isArray(value)) return value.map(maskAddresses);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, maskAddresses(v)]));
  }
  return value;
}

export function createLogger(base: LogFields = {}, write: (line: string) => void = (line) => process.stdout.write(`${line}\n`)): Logger {
  const emit = (level: LogLevel) => (message: string, fields: LogFields = {}) =>
    write(JSON.stringify(maskAddresses({ level, time: new Date().toISOString(), message, ...base, ...fields })));
  return {
    debug: emit('debug'),
    info: emit('info'),
    warn: emit('warn'),
    error: emit('error'),
    child: (fields) => createLogger({ ...base, ...fields }, write),
  };
}
