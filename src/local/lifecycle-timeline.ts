import type { ItemState, View } from './lifecycle-views.ts';

/*
 * The lifecycle's timeline: what each party saw change between two of its readings, and the lines that say so.
 * Pure, so the comparison a newcomer reads is the one the tests check.
 */

export type ChangeKind = 'new' | 'embargoed' | 'released' | 'corrected' | 'tombstone' | 'gone' | 'emails';

export interface Observation {
  /** Milliseconds since the lifecycle began. */
  at: number;
  /** `public feed`, `page`, `mailbox`, `desk`, or a partner's id. */
  party: string;
  slug: string;
  /** `desk`: what the desk did; `holds`: what a party held before it began. */
  kind: ChangeKind | 'desk' | 'holds';
  /** Which of the party's documents showed it (a partner's formats). */
  formats: string[];
  /** Each document's own word for the state, with its format: `ninjs pubStatus "canceled"`. */
  marks?: string[];
  state?: ItemState;
  before?: ItemState;
  /** For the desk: what it did. */
  note?: string;
}

/** What changed for each slug between two readings of one document. */
export function changesBetween(
  before: View,
  after: View,
): { slug: string; kind: ChangeKind; state?: ItemState; before?: ItemState }[] {
  const changes: { slug: string; kind: ChangeKind; state?: ItemState; before?: ItemState }[] = [];
  for (const [slug, state] of after) {
    const was = before.get(slug);
    const kind = changeKind(was, state);
    if (kind) changes.push({ slug, kind, state, ...(was && { before: was }) });
  }
  for (const [slug, was] of before) if (!after.has(slug)) changes.push({ slug, kind: 'gone', before: was });
  return changes;
}

function changeKind(was: ItemState | undefined, now: ItemState): ChangeKind | undefined {
  if (now.emails !== undefined) return was?.emails === now.emails ? undefined : 'emails';
  if (now.kind === 'tombstone') return was?.kind === 'tombstone' ? undefined : 'tombstone';
  if (now.kind === 'embargoed') return was?.kind === 'embargoed' ? undefined : 'embargoed';
  if (!was || was.kind === 'tombstone') return 'new';
  if (was.kind === 'embargoed') return 'released';
  return was.version === now.version ? undefined : 'corrected';
}

/**
 * One observation per party, slug and kind for what the documents of one polling round showed: a partner's formats
 * that saw the same change in the same round make one line.
 */
export function mergeRound(observations: readonly Observation[]): Observation[] {
  const merged = new Map<string, Observation>();
  for (const o of observations) {
    const key = `${o.party}\n${o.slug}\n${o.kind}`;
    const same = merged.get(key);
    if (!same) merged.set(key, { ...o, formats: [...o.formats], marks: [...(o.marks ?? [])] });
    else {
      same.formats.push(...o.formats);
      same.marks!.push(...(o.marks ?? []));
      // ninjs says a correction by its version number: the clearest of the formats, so its versions are shown.
      if (o.formats.includes('ninjs')) Object.assign(same, { state: o.state, before: o.before });
    }
  }
  return [...merged.values()];
}

const clock = (iso: string | undefined) => (iso ? `${new Date(iso).toISOString().slice(11, 19)}Z` : '?');
const formats = (o: Observation) => (o.formats.length ? ` [${o.formats.join(', ')}]` : '');
const marks = (o: Observation) => (o.marks?.length ? ` (${o.marks.join(', ')})` : formats(o));
/** A version as a reader knows it: a date in feeds, a number in ninjs. */
const version = (v: string | undefined) => (v && !Number.isNaN(Date.parse(v)) && v.includes('T') ? clock(v) : v);

/** What the observation says, in a few words. */
export function describe(o: Observation): string {
  switch (o.kind) {
    case 'desk':
    case 'holds':
      return o.note ?? '';
    case 'new':
      return `${o.slug}: new item${formats(o)}`;
    case 'embargoed':
      return `${o.slug}: embargoed until ${clock(o.state?.until)}${marks(o)}`;
    case 'released':
      return `${o.slug}: embargo mark gone, a plain item now${formats(o)}`;
    case 'corrected':
      if (o.party === 'page') return `${o.slug}: page updated, with the correction`;
      return `${o.slug}: correction, same id, ${o.formats.includes('ninjs') ? 'version' : 'updated'} ${version(o.before?.version)} → ${version(o.state?.version)}${formats(o)}`;
    case 'tombstone':
      return `${o.slug}: ${o.party === 'page' ? 'withdrawal notice' : `tombstone${marks(o)}`}`;
    case 'gone':
      return `${o.slug}: item gone${formats(o)}`;
    case 'emails':
      return `${o.slug}: ${o.state?.emails} emails to ${o.state?.recipients} subscribers`;
  }
}

/** `   +10.3 s  public feed       …` */
export function timelineLine(o: Observation): string {
  return `  ${`+${(o.at / 1000).toFixed(1)}`.padStart(6)} s  ${o.party.padEnd(16)}  ${describe(o)}`;
}

export interface Comparison {
  corrected: string;
  withdrawn: string;
  embargoed: string;
  partners: string[];
  /** Emails and distinct recipients per slug, at the end. */
  mail: { slug: string; emails: number; recipients: number }[];
  feedReader: { requests: number; notModified: number };
}

const first = (timeline: readonly Observation[], test: (o: Observation) => boolean) => timeline.find(test);
const seconds = (o: Observation | undefined) => (o ? `+${(o.at / 1000).toFixed(1)} s` : 'never');
const who = (names: string[]) => (names.length ? names.join(', ') : 'no partner (none is configured)');

/** The closing paragraph: who saw what, and when, in plain sentences. */
export function comparisonParagraph(timeline: readonly Observation[], c: Comparison): string {
  const at = (party: string, slug: string, kinds: string[]) =>
    seconds(first(timeline, (o) => o.party === party && o.slug === slug && kinds.includes(o.kind)));
  // Released when the public first saw it: the feed or the page.
  const releasedAt =
    first(timeline, (o) => o.slug === c.embargoed && ['public feed', 'page'].includes(o.party) && o.kind === 'new')
      ?.at ?? Infinity;
  const early = c.partners.filter((p) =>
    timeline.some((o) => o.party === p && o.slug === c.embargoed && o.kind === 'embargoed' && o.at < releasedAt),
  );
  const embargoedMail = c.mail.find((m) => m.slug === c.embargoed);
  const duplicates = c.mail.filter((m) => m.emails !== m.recipients).map((m) => m.slug);
  const sentences = [
    `Before its release, ${c.embargoed} was seen by ${who(early)} only (with its embargo time); the public feed, its page and the mailbox saw it at release (feed ${at('public feed', c.embargoed, ['new'])}, page ${at('page', c.embargoed, ['new'])}, ${embargoedMail ? `${embargoedMail.emails} emails by ${at('mailbox', c.embargoed, ['emails'])}` : 'no email'}).`,
    `The withdrawal of ${c.withdrawn} reached ${who(c.partners)} as a tombstone (${c.partners.map((p) => at(p, c.withdrawn, ['tombstone'])).join(', ') || 'never'}); the public feed dropped the item (${at('public feed', c.withdrawn, ['gone'])}) and its page became the withdrawal notice (${at('page', c.withdrawn, ['tombstone'])}).`,
    `The correction of ${c.corrected} reached ${who(c.partners)} as a new version of the same item (${c.partners.map((p) => at(p, c.corrected, ['corrected'])).join(', ') || 'never'}) and the public feed as an updated entry (${at('public feed', c.corrected, ['corrected'])}), ${timeline.some((o) => o.party === 'mailbox' && o.slug === c.corrected) ? 'and was MAILED AGAIN' : 'with no second email'}.`,
    `Emails: ${c.mail.map((m) => `${m.slug} ${m.emails} to ${m.recipients}`).join(', ')}: ${duplicates.length ? `DUPLICATES for ${duplicates.join(', ')}` : 'each subscriber got each editorial once'}.`,
    `The feed reader polled ${c.feedReader.requests} times; ${c.feedReader.notModified} answers were 304 Not Modified.`,
  ];
  return sentences.join(' ');
}

/** Text cut into lines of at most `width` characters at spaces, each line indented. */
export function wrap(text: string, width: number, indent: string): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && indent.length + line.length + 1 + word.length > width) {
      lines.push(indent + line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(indent + line);
  return lines;
}
