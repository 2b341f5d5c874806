import type { Editorial } from '../model.ts';
import { AI_ASSISTANCE, GENRES, type AiAssistance, type Genre } from '../vocabulary/newscodes.ts';
import type { FrontMatter } from './front-matter.ts';
import { reject } from './rejection.ts';
import { dropBidiControls } from '../strings.ts';

/** A dateline names a place ("Kyiv", "Niamey, Niger"), not a paragraph. */
export const DATELINE_MAX_CHARS = 100;

const URGENCY = /^[1-9]$/;

/**
 * What partners are told of the piece itself (front matter `genre`, `urgency`, `dateline`, `aiAssistance`): only the
 * fields the editorial gives, each checked, so nothing is said on the desk's behalf that it did not say.
 */
export function wireFields(fm: FrontMatter): Pick<Editorial, 'genre' | 'urgency' | 'dateline' | 'aiAssistance'> {
  const fields: Pick<Editorial, 'genre' | 'urgency' | 'dateline' | 'aiAssistance'> = {};
  const genre = fm.oneLine('genre');
  if (genre !== undefined) fields.genre = oneOf(genre, GENRES, 'genre', fm, 'analysis (the default) or opinion');
  const urgency = fm.oneLine('urgency');
  if (urgency !== undefined) {
    if (!URGENCY.test(urgency))
      reject(
        `the front matter field "urgency" is "${urgency}": it must be a whole number from 1 (most urgent) to 9 (least urgent); partners are told 5 when it is absent.`,
        fm.line('urgency'),
      );
    fields.urgency = Number(urgency);
  }
  // Direction controls are dropped as from every one-line field a reader sees; a dateline of nothing else is none.
  const dateline = dropBidiControls(fm.oneLine('dateline') ?? '').trim() || undefined;
  if (dateline !== undefined) {
    if ([...dateline].length > DATELINE_MAX_CHARS)
      reject(
        `the front matter field "dateline" is ${[...dateline].length} characters long: it names the place the editorial is written from (e.g. dateline: Kyiv) in at most ${DATELINE_MAX_CHARS} characters.`,
        fm.line('dateline'),
      );
    fields.dateline = dateline;
  }
  const assistance = fm.oneLine('aiAssistance');
  if (assistance !== undefined)
    fields.aiAssistance = oneOf(
      assistance,
      AI_ASSISTANCE,
      'aiAssistance',
      fm,
      'none, algorithmic, generative-edits or generative (see docs/editorial-format.md)',
    );
  return fields;
}

function oneOf<T extends Genre | AiAssistance>(
  text: string,
  allowed: readonly T[],
  name: string,
  fm: FrontMatter,
  hint: string,
): T {
  const value = allowed.find((a) => a === text.toLowerCase());
  if (value === undefined) reject(`the front matter field "${name}" is "${text}": it must be ${hint}.`, fm.line(name));
  return value;
}
