function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

// Every parse asks about the same publication: its pattern is built once, not once an editorial.
const framingPatterns = new Map<string, RegExp>();
const MAX_REMEMBERED_NAMES = 100;

function framingPattern(name: string): RegExp {
  let pattern = framingPatterns.get(name);
  if (!pattern) {
    pattern = new RegExp(`^${escapeRegExp(name)}\\s+frames\\b`, 'iu');
    if (framingPatterns.size >= MAX_REMEMBERED_NAMES) framingPatterns.clear();
    framingPatterns.set(name, pattern);
  }
  return pattern;
}

/** The framing note starts "<Publication> frames" (e.g. "Monexus frames this letter as ..."). */
export function isFramingNote(text: string, publication: string): boolean {
  const name = publication.trim();
  if (!name) return false;
  return framingPattern(name).test(text.trim());
}
