import type { PartnerConfig } from '../config.ts';
import type { PickupReport } from '../partners/pickup-report.ts';
import { UsageError } from './errors.ts';

/*
 * `broadsheet partners report`: the pickup report as tables for the desk, or as JSON for a script. The gathering is
 * in src/pipeline/pickup/report.ts; this file reads the options and writes what it found.
 */

/** The period a report covers when `--since` is not given. */
export const DEFAULT_SINCE_MS = 7 * 24 * 3_600_000;
const UNITS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `--since`: an ISO 8601 time (`2026-12-07T09:00:00Z`, `2026-12-07`), or a span back from now (`90m`, `24h`, `7d`). */
export function parseSince(value: string | undefined, now: Date): Date {
  if (value === undefined) return new Date(now.getTime() - DEFAULT_SINCE_MS);
  const unit = UNITS[value.slice(-1)];
  const amount = value.slice(0, -1);
  if (unit !== undefined && amount !== '' && /^\d+$/.test(amount))
    return new Date(now.getTime() - Number(amount) * unit);
  const at = /^\d{4}-\d{2}-\d{2}/.test(value) ? new Date(value) : new Date(Number.NaN);
  if (Number.isNaN(at.getTime()))
    throw new UsageError(
      `--since must be an ISO 8601 time (2026-12-07T09:00:00Z) or a span such as 24h or 7d, not "${value}"`,
    );
  if (at > now) throw new UsageError(`--since ${value} is in the future`);
  return at;
}

/** The partners asked for: one by id, else every one. An unknown id names the known ones. */
export function partnersAskedFor(partners: readonly PartnerConfig[], id: string | undefined): PartnerConfig[] {
  if (id === undefined) return [...partners];
  const partner = partners.find((p) => p.id === id);
  if (!partner) {
    const known = partners.map((p) => p.id).join(', ');
    throw new UsageError(`no partner "${id}"; the partners are: ${known || '(none)'}`);
  }
  return [partner];
}

const iso = (at: Date | undefined) => (at ? at.toISOString() : null);
/** A document named below the partner's folder: `atom.xml`, `archive/3/atom.xml` (the path itself is secret). */
const documentName = (key: string) => key.split('/').slice(2).join('/');

/** The report as `--json` prints it: one object per partner, times in ISO 8601, null where nothing was seen. */
export function reportJson(reports: readonly PickupReport[], notes: readonly string[] = []) {
  return {
    notes,
    partners: reports.map((r) => ({
      id: r.partner.id,
      name: r.partner.name,
      since: iso(r.since),
      until: iso(r.until),
      documents: r.documents.map((d) => ({
        document: documentName(d.key),
        format: d.format,
        ...(d.page !== undefined && { page: d.page }),
        lastFetched: iso(d.lastFetched),
        fetches: d.fetches,
      })),
      items: r.items.map((i) => ({
        slug: i.slug,
        change: i.change,
        version: i.version,
        changed: iso(i.changed),
        seen: i.seen,
        seenAt: iso(i.seenAt),
      })),
      webhook: r.partner.webhook,
      webhooks: r.webhooks.map((w) => ({
        eventId: w.eventId,
        outcome: w.outcome,
        at: iso(w.at),
        attempts: w.attempts,
        ...(w.status !== undefined && { status: w.status }),
        ...(w.error !== undefined && { error: w.error }),
      })),
    })),
  };
}

/** Aligned columns, the header first. */
function table(head: string[], rows: string[][]): string[] {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [line(head), ...rows.map(line)];
}

const when = (at: Date | undefined) => (at ? at.toISOString().replace('.000Z', 'Z') : 'never');

/** The report as the desk reads it: per partner, its documents, its changed items and its webhook deliveries. */
export function reportLines(reports: readonly PickupReport[], notes: readonly string[] = []): string[] {
  const lines: string[] = [];
  for (const r of reports) {
    if (lines.length) lines.push('');
    lines.push(`${r.partner.id} (${r.partner.name}): since ${when(r.since)}`);
    lines.push('  Documents');
    const docs = r.documents.map((d) => [documentName(d.key), when(d.lastFetched), String(d.fetches)]);
    for (const l of table(['document', 'last fetched', 'fetches'], docs)) lines.push(`    ${l}`);
    lines.push('  Changed items');
    if (r.items.length === 0) lines.push('    (no change in this period)');
    else {
      const rows = r.items.map((i) => [
        i.slug,
        i.change,
        when(new Date(i.version)),
        i.seen ? `seen ${when(i.seenAt)}` : 'not seen',
      ]);
      for (const l of table(['slug', 'change', 'version', 'fetched after the change'], rows)) lines.push(`    ${l}`);
    }
    lines.push('  Webhooks');
    if (!r.partner.webhook && r.webhooks.length === 0) lines.push('    (no webhook)');
    else if (r.webhooks.length === 0) lines.push('    (no delivery in this period)');
    else {
      const rows = r.webhooks.map((w) => [
        w.eventId,
        w.outcome,
        String(w.attempts),
        when(w.at),
        w.status !== undefined ? String(w.status) : (w.error ?? ''),
      ]);
      for (const l of table(['event id', 'outcome', 'attempts', 'at', 'answer'], rows)) lines.push(`    ${l}`);
    }
  }
  if (reports.length === 0) lines.push('(no partner)');
  for (const note of notes) lines.push(`note: ${note}`);
  return lines;
}
