export { CATALOGUES, isLanguage, type Language } from './catalogues.ts';
export { en } from './en.ts';
export { messagesFor, type Messages } from './messages.ts';
export type { Catalogue, MessageKey, MessageParams, PluralMessage } from './types.ts';
