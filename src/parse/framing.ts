import { remembered } from '../remembered.ts';

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

// Every parse asks about the same publication: its pattern is built once, not once an editorial.
const framingPattern = remembered((name) => new RegExp(`^${escapeRegExp(name)}\\s+frames\\b`, 'iu'), 100);

/** The framing note starts "<Publication> frames" (e.g. "Monexus frames this letter as ..."). */
export function isFramingNote(text: string, publication: string): boolean {
  const name = publication.trim();
  if (!name) return false;
  return framingPattern(name).test(text.trim());
}
