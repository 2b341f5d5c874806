import type { DispatchStatus } from '../pipeline/dispatch/desk-operations.ts';

/** How the dispatch commands show a dispatch to a person: plain words, aligned columns, a progress bar. */

const plural = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString('en')} ${n === 1 ? one : many}`;
const pct = (part: number, whole: number) => (whole > 0 ? `${((part / whole) * 100).toFixed(1)}%` : '–');

/** The table `dispatch list` prints: one row a dispatch, newest first. */
export function dispatchTable(rows: readonly DispatchStatus[]): string {
  if (rows.length === 0) return 'No dispatches yet: one starts when an approved editorial becomes public.';
  const head = ['SLUG', 'STATE', 'RECIPIENTS', 'SENT', 'DELIVERED', 'BOUNCED', 'COMPLAINED', 'SUPPRESSED', 'STARTED'];
  const body = rows.map((r) => [
    r.dispatchId === r.slug ? r.slug : `${r.slug} (${r.dispatchId})`,
    r.state,
    r.recipients === null ? '–' : String(r.recipients),
    String(r.sent),
    String(r.delivered),
    String(r.bounced),
    String(r.complained),
    String(r.suppressed),
    r.startedAt ?? (r.sendAt ? `at ${r.sendAt}` : '–'),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((row) => row[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i >= 2 && i <= 7 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(head), ...body.map(line)].join('\n');
}

/** What `dispatch status` prints without --json. */
export function describeStatus(s: DispatchStatus): string {
  const lines = [`${s.slug}: ${s.state}${s.dispatchId !== s.slug ? ` (dispatch ${s.dispatchId})` : ''}`];
  if (s.state === 'scheduled' && s.sendAt) lines.push(`  goes out at ${s.sendAt}`);
  if (s.pausedBecause)
    lines.push(
      `  paused${s.pausedBy === 'auto' ? ' automatically' : ' by the desk'} at ${s.pausedAt}: ${s.pausedBecause}`,
    );
  if (s.state === 'cancelled')
    lines.push(
      `  cancelled at ${s.cancelledAt} (${s.cancelledBecause}${s.cancelledNote ? `: ${s.cancelledNote}` : ''})`,
    );
  if (s.recipients !== null)
    lines.push(
      `  ${plural(s.recipients, 'recipient')}: ${s.sent} sent (${pct(s.sent, s.recipients)}), ${s.failed} failed${s.skipped ? `, ${s.skipped} skipped` : ''}`,
    );
  else if (s.startedAt) lines.push(`  planning: ${s.sent} sent so far`);
  if (s.sent > 0) {
    lines.push(
      `  ${s.delivered} delivered, ${s.bounced} bounced (${pct(s.bounced, s.delivered + s.bounced)}), ${s.complained} complained (${pct(s.complained, s.delivered)}), ${s.suppressed} suppressed`,
    );
    const more = [
      s.skipped && `${s.skipped} skipped (no longer subscribed when their turn came)`,
      s.softBounced && `${s.softBounced} soft bounces`,
      s.delayed && `${s.delayed} delayed`,
      s.rejected && `${s.rejected} rejected`,
      s.opened && `${s.opened} opened`,
      s.clicked && `${s.clicked} clicked`,
    ].filter(Boolean);
    if (more.length) lines.push(`  ${more.join(', ')}`);
  }
  if (s.startedAt) lines.push(`  started ${s.startedAt}${s.finishedAt ? `, finished ${s.finishedAt}` : ''}`);
  if (s.state === 'paused')
    lines.push(`  resume: npx broadsheet dispatch resume ${s.slug}   cancel: npx broadsheet dispatch cancel ${s.slug}`);
  return lines.join('\n');
}

/** One line of `dispatch status --watch`: a bar, the count, the rate and the time left. */
export function progressLine(s: DispatchStatus, ratePerSecond: number | undefined, width = 30): string {
  const total = s.recipients ?? 0;
  const done = s.sent + s.failed + s.skipped;
  const filled = total > 0 ? Math.min(width, Math.round((done / total) * width)) : 0;
  const bar = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}]`;
  const rate = ratePerSecond !== undefined && ratePerSecond > 0 ? `${ratePerSecond.toFixed(1)}/s` : '–/s';
  const left =
    ratePerSecond && ratePerSecond > 0 && total > done ? `${formatSeconds((total - done) / ratePerSecond)} left` : '';
  const counts = total > 0 ? `${done}/${total} ${pct(done, total)}` : `${done} sent`;
  return [
    s.state.padEnd(9),
    bar,
    counts,
    rate,
    left,
    `${s.delivered} delivered, ${s.bounced} bounced, ${s.complained} complained`,
  ]
    .filter(Boolean)
    .join('  ');
}

function formatSeconds(seconds: number): string {
  const s = Math.ceil(seconds);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}
