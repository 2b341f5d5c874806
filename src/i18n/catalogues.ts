import { ar } from './ar.ts';
import { de } from './de.ts';
import { en } from './en.ts';
import { es } from './es.ts';
import { fr } from './fr.ts';
import { ru } from './ru.ts';
import type { Catalogue } from './types.ts';
import { uk } from './uk.ts';

/** Every language Broadsheet writes its own text in, by primary language subtag. */
export const CATALOGUES = { en, ar, uk, ru, fr, de, es } satisfies Record<string, Catalogue>;

export type Language = keyof typeof CATALOGUES;

export function isLanguage(tag: string): tag is Language {
  return Object.hasOwn(CATALOGUES, tag);
}
