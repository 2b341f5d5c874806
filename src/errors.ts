/**
 * The one base class of every error Broadsheet raises itself. It keeps the error that led to it as `cause`
 * (ES2022), so a log line or a rejection record can say both what went wrong here and what went wrong below.
 * Each subclass sets `name` itself, as a string: the functions are minified, so class names are not kept.
 */
export class BroadsheetError extends Error {
  override name = 'BroadsheetError';

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}
