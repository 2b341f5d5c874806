import type { en } from './en.ts';

/** The forms of a message with a `{count}`, by `Intl.PluralRules` category; `other` is the one always there. */
export type PluralMessage = { readonly other: string } & {
  readonly [C in Exclude<Intl.LDMLPluralRule, 'other'>]?: string;
};

export type MessageKey = keyof typeof en;

/**
 * A language's catalogue: exactly the English keys, each a string where the English message is a string and plural
 * forms where it has plural forms.
 */
export type Catalogue = { readonly [K in MessageKey]: (typeof en)[K] extends string ? string : PluralMessage };

/** Values for a message's `{name}` placeholders; numbers are written the language's way (`count` picks the form). */
export type MessageParams = Readonly<Record<string, string | number | undefined>>;
