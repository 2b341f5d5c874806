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

const ADDRESS = /[^\s@<>"',;:()[\]]+@[^\s@<>"',;:()[\]]+\.[^\s@<>"',;:()[\]]+/g;

export function maskAddresses(value: unknown): unknown {
  if (typeof value === 'string') return value.replace(ADDRESS, '[address]');
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
