function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The framing note starts "<Publication> frames" (e.g. "Monexus frames this letter as ..."). */
export function isFramingNote(text: string, publication: string): boolean {
  const name = publication.trim();
  if (!name) return false;
  return new RegExp(`^${escapeRegExp(name)}\\s+frames\\b`, 'iu').test(text.trim());
}
