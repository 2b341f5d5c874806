/*
 * How often a reader gets mail: every editorial on its own (`each`), or a digest of a day's or a week's editorials.
 *
 * A change of cadence applies to the editorials that become public after it. The record keeps the cadence before the
 * change and when it changed, so the editorial planner (which decides at an editorial's public time) and the digest
 * planner (which decides after its period ends) give every editorial of the period to exactly one of the two paths,
 * whenever each of them runs. A second change within one digest period replaces the first: the cadence before the
 * first is then no longer known, and the editorials between the two changes follow the later one.
 */

export const CADENCES = ['each', 'daily', 'weekly'] as const;
export type Cadence = (typeof CADENCES)[number];
export type DigestCadence = Exclude<Cadence, 'each'>;

export const DIGEST_CADENCES: readonly DigestCadence[] = ['daily', 'weekly'];

export function isCadence(value: unknown): value is Cadence {
  return typeof value === 'string' && (CADENCES as readonly string[]).includes(value);
}

export function isDigestCadence(value: unknown): value is DigestCadence {
  return value === 'daily' || value === 'weekly';
}

/** The cadence fields of a subscriber record (absent `cadence`: `each`, as for every record from before cadences). */
export interface CadenceFields {
  cadence?: Cadence;
  /** When `cadence` last changed (ISO 8601); absent when it never has. */
  cadenceChangedAt?: string;
  /** The cadence before that change. */
  previousCadence?: Cadence;
}

/** The reader's cadence for an editorial that became public at `at`. */
export function cadenceAt(fields: CadenceFields, at: Date): Cadence {
  const current = isCadence(fields.cadence) ? fields.cadence : 'each';
  const changedAt = fields.cadenceChangedAt ? Date.parse(fields.cadenceChangedAt) : Number.NaN;
  if (Number.isNaN(changedAt) || at.getTime() >= changedAt) return current;
  return isCadence(fields.previousCadence) ? fields.previousCadence : 'each';
}

/** A stretch of time, `start` included, `end` not. */
export interface Window {
  start: Date;
  end: Date;
}

/**
 * The part of a digest period in which the reader was on `cadence`: the editorials public in it are theirs in that
 * period's digest. Undefined when there is none (the reader gets no digest of this cadence for the period).
 */
export function digestWindow(fields: CadenceFields, cadence: DigestCadence, period: Window): Window | undefined {
  const current = isCadence(fields.cadence) ? fields.cadence : 'each';
  const previous = isCadence(fields.previousCadence) ? fields.previousCadence : 'each';
  const changed = fields.cadenceChangedAt ? new Date(fields.cadenceChangedAt) : undefined;
  const valid = changed !== undefined && !Number.isNaN(changed.getTime());
  let start = period.start;
  let end = period.end;
  if (!valid || changed <= period.start) {
    if (current !== cadence) return undefined;
  } else if (changed >= period.end) {
    if (previous !== cadence) return undefined;
  } else if (current === cadence && previous !== cadence) {
    start = changed;
  } else if (previous === cadence && current !== cadence) {
    end = changed;
  } else if (current !== cadence) {
    return undefined;
  }
  return start < end ? { start, end } : undefined;
}

/**
 * The fields to write when a reader chooses `next` at `now`: nothing when it is already their cadence. `each` is
 * stored too (not removed), so an import or the preference page that sets it keeps the change's time.
 */
export function cadenceChange(fields: CadenceFields, next: Cadence, now: Date): Required<CadenceFields> | undefined {
  const current = isCadence(fields.cadence) ? fields.cadence : 'each';
  if (current === next) return undefined;
  return { cadence: next, cadenceChangedAt: now.toISOString(), previousCadence: current };
}

/** The digest settings (`subscription.digests`): which cadences readers may choose, and when digests go out. */
export interface DigestSettings {
  /** The cadences offered on the subscribe form and the preference page, `each` among them. */
  cadences: Cadence[];
  /** The local hour (0–23) at which a period ends and its digest is planned. */
  hour: number;
  /** The weekday a weekly period ends on. */
  weekday: Weekday;
  /** An IANA time zone (`Europe/London`), in which `hour` and `weekday` are read. */
  timeZone: string;
  /** The most editorials one digest lists; more are left to a "more on the site" link. */
  maxItems: number;
}

export const WEEKDAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** Whether `zone` is a time zone this runtime knows (Intl's list: IANA names and `UTC`). */
export function isTimeZone(zone: unknown): zone is string {
  if (typeof zone !== 'string' || zone === '' || zone.length > 64) return false;
  // Every runtime knows UTC, the default: building a formatter to ask costs a function's cold start about 15 ms.
  if (zone === 'UTC') return true;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}
