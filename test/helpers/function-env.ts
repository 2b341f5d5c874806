/** The variables every function needs besides its keys, as the stack sets them (names as runtime-config.ts reads). */
export const FUNCTION_ENV = {
  EDITORIALS_BUCKET: 'editorials',
  PUBLIC_BUCKET: 'site',
  SUBSCRIBERS_TABLE: 'subscribers',
  LEDGER_TABLE: 'ledger',
  DISPATCH_QUEUE_URL: 'http://127.0.0.1:1/queue/dispatch',
} as const;
