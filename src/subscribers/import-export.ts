import { normalizeAddress } from './address.ts';
import { requestedCadence } from './cadence-choice.ts';
import { formatSpreadsheetCsv, parseCsv, restoreCell } from './csv.ts';
import { cleanTopics, sendConfirmation, type SubscriberDeps } from './flows.ts';
import { CONFIRMATION_RESEND_COOLDOWN_MS, SubscriberStore, type ImportOutcome, type ImportRecord } from './store.ts';
import { isSubscriberStatus, SUBSCRIBER_STATUSES, type Subscriber } from './subscriber.ts';
import type { Config } from '../config.ts';
import { BroadsheetError } from '../errors.ts';

export const CSV_COLUMNS = ['email', 'status', 'topics', 'cadence', 'consent_at', 'source'] as const;
const KNOWN = new Set<string>(CSV_COLUMNS);

/** The file cannot be imported at all (no header, no email column, broken quoting). */
export class ImportFileError extends BroadsheetError {
  override name = 'ImportFileError';
}

export interface RejectedRow {
  /** Record number in the file, the header being row 1. */
  row: number;
  reason: string;
  /** The row's fields by column name, as the file gave them (a neutralised cell read back: see restoreCell). */
  fields: Record<string, string>;
}

export interface ImportReport {
  rows: number;
  outcomes: Record<ImportOutcome, number>;
  rejected: RejectedRow[];
  ignoredColumns: string[];
  /** Subscribers left pending by this import: they need a confirmation email before they get anything. */
  pending: number;
  confirmationsSent: number;
}

export interface ImportOptions {
  /** Recorded as `import:<sourceName>` for rows without a source. */
  sourceName: string;
  sendConfirmations?: boolean;
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

/** An ISO 8601 date or date-time as a canonical ISO string; a date alone is midnight UTC, a time without zone UTC. */
export function parseConsentDate(value: string): string | undefined {
  const match = ISO_DATE.exec(value);
  if (!match) return undefined;
  const [, y, m, d, hh = '00', mm = '00', ss = '00', zone] = match;
  if (Number(hh) > 23 || Number(mm) > 59 || Number(ss) > 59) return undefined;
  const day = new Date(`${y}-${m}-${d}T00:00:00Z`);
  if (Number.isNaN(day.getTime()) || day.toISOString().slice(0, 10) !== `${y}-${m}-${d}`) return undefined;
  const time = match[4] === undefined ? '' : value.slice(11);
  const date = new Date(`${y}-${m}-${d}T${time || '00:00:00'}${zone ? '' : 'Z'}`);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

interface ValidRow {
  row: number;
  record: ImportRecord;
}

function validateRow(
  fields: Record<string, string>,
  has: (column: string) => boolean,
  options: ImportOptions,
  now: Date,
  config: Pick<Config, 'subscription'>,
): { ok: true; record: ImportRecord } | { ok: false; reason: string } {
  const address = normalizeAddress(fields.email ?? '');
  if (!address.ok) return { ok: false, reason: `invalid email: ${address.reason}` };
  const consentRaw = (fields.consent_at ?? '').trim();
  const consentAt = consentRaw ? parseConsentDate(consentRaw) : undefined;
  if (consentRaw && consentAt === undefined)
    return { ok: false, reason: `consent_at "${consentRaw}" is not a date (YYYY-MM-DD or an ISO 8601 time)` };
  if (consentAt !== undefined && Date.parse(consentAt) > now.getTime())
    return { ok: false, reason: `consent_at ${consentRaw} is in the future` };
  const statusRaw = (fields.status ?? '').trim().toLowerCase();
  if (statusRaw && !isSubscriberStatus(statusRaw)) {
    return { ok: false, reason: `unknown status "${statusRaw}" (use ${SUBSCRIBER_STATUSES.join(', ')})` };
  }
  // Only a recorded consent makes an imported reader a confirmed subscriber.
  const status = isSubscriberStatus(statusRaw) ? statusRaw : consentAt !== undefined ? 'confirmed' : 'pending';
  if (status === 'confirmed' && consentAt === undefined)
    return { ok: false, reason: 'status confirmed needs a consent_at date' };
  let topics: string[] | undefined;
  if (has('topics')) {
    const listed = (fields.topics ?? '')
      .split(';')
      .map((t) => t.trim())
      .filter(Boolean);
    const clean = cleanTopics(listed);
    const refused = listed.find((t) => !clean.includes(t.normalize('NFC').replace(/\s+/g, ' ')));
    if (refused !== undefined)
      return { ok: false, reason: `topic "${refused}" is not allowed (letters, digits, spaces, _ . -; at most 64)` };
    topics = clean;
  }
  // Blank keeps the record's cadence (`each` for a new one); one the configuration does not offer rejects the row.
  const cadence = requestedCadence(config, fields.cadence);
  if (!cadence.ok)
    return {
      ok: false,
      reason: `cadence "${(fields.cadence ?? '').trim()}" is not offered (use ${cadence.allowed.join(', ')})`,
    };
  const source = (fields.source ?? '').trim();
  if (source.length > 200 || /[\u0000-\u001f\u007f-\u009f]/.test(source))
    return { ok: false, reason: 'source is longer than 200 characters or has control characters' };
  return {
    ok: true,
    record: {
      address: address.address,
      status,
      ...(topics !== undefined && { topics }),
      ...(consentAt !== undefined && { consentAt }),
      ...(source && { consentSource: source }),
      ...(cadence.cadence !== undefined && { cadence: cadence.cadence }),
      defaultSource: `import:${options.sourceName}`,
    },
  };
}

/**
 * Imports subscribers from CSV: a header row with `email` and optionally `topics` (separated by `;`), `cadence`,
 * `consent_at`, `source`, `status`. Rows are checked one by one; bad rows are reported and skipped, the rest
 * imported (see SubscriberStore.upsertImported for how they meet what the table holds).
 */
export async function importSubscribers(
  deps: SubscriberDeps,
  csv: string,
  options: ImportOptions,
): Promise<ImportReport> {
  let records: ReturnType<typeof parseCsv>;
  try {
    records = parseCsv(csv);
  } catch (err) {
    throw new ImportFileError((err as Error).message, { cause: err });
  }
  const [head, ...body] = records;
  if (!head) throw new ImportFileError('the file is empty: it needs a header row with an "email" column');
  const columns = head.fields.map((c) => c.trim().toLowerCase());
  if (!columns.includes('email')) throw new ImportFileError('the header row has no "email" column');
  const repeated = columns.find((c, i) => c !== '' && columns.indexOf(c) !== i);
  if (repeated) throw new ImportFileError(`the header row names "${repeated}" twice`);
  const has = (column: string) => columns.includes(column);

  const now = deps.clock.now();
  const report: ImportReport = {
    rows: 0,
    outcomes: { created: 0, updated: 0, unchanged: 0, 'kept-suppressed': 0, 'kept-unsubscribed': 0 },
    rejected: [],
    ignoredColumns: columns.filter((c) => !KNOWN.has(c)),
    pending: 0,
    confirmationsSent: 0,
  };
  const valid: ValidRow[] = [];
  const firstRow = new Map<string, number>();
  body.forEach((record, index) => {
    const row = index + 2;
    if (record.fields.length === 1 && record.fields[0]!.trim() === '') return;
    report.rows++;
    // Files this command wrote carry `'=…` for `=…` (see neutraliseCell): read back as the value they stand for.
    const fields = Object.fromEntries(columns.map((c, i) => [c, restoreCell(record.fields[i] ?? '')]));
    const reject = (reason: string) => report.rejected.push({ row, reason, fields });
    if (record.fields.length !== columns.length)
      return reject(`has ${record.fields.length} fields; the header has ${columns.length}`);
    const checked = validateRow(fields, has, options, now, deps.config);
    if (!checked.ok) return reject(checked.reason);
    const earlier = firstRow.get(checked.record.address);
    if (earlier !== undefined) return reject(`duplicate of row ${earlier}`);
    firstRow.set(checked.record.address, row);
    valid.push({ row, record: checked.record });
  });

  const store = new SubscriberStore(deps.subscribers, deps.tokenSecret, deps.clock);
  const pending: Subscriber[] = [];
  for (const { record } of valid) {
    const { outcome, subscriber } = await store.upsertImported(record, now);
    report.outcomes[outcome]++;
    if (subscriber?.status === 'pending') pending.push(subscriber);
  }
  report.pending = pending.length;
  if (options.sendConfirmations) {
    for (const subscriber of pending) {
      const last = subscriber.confirmationSentAt ? Date.parse(subscriber.confirmationSentAt) : Number.NaN;
      if (now.getTime() - last < CONFIRMATION_RESEND_COOLDOWN_MS) continue;
      if (await sendConfirmation(deps, store, subscriber.id, subscriber.email, now, subscriber.linkNonce))
        report.confirmationsSent++;
    }
  }
  deps.log.info('subscribers imported', {
    source: options.sourceName,
    rows: report.rows,
    ...report.outcomes,
    rejected: report.rejected.length,
    confirmationsSent: report.confirmationsSent,
  });
  return report;
}

/**
 * The rejected rows as CSV: `row`, `reason`, then the row's own columns, each cell safe to open in a spreadsheet;
 * corrected, the file imports again (`row` and `reason` are ignored columns).
 */
export function rejectedRowsCsv(report: ImportReport, columns: readonly string[]): string {
  return formatSpreadsheetCsv([
    ['row', 'reason', ...columns],
    ...report.rejected.map((r) => [String(r.row), r.reason, ...columns.map((c) => r.fields[c] ?? '')]),
  ]);
}

/**
 * Every subscriber as CSV (sorted by address), in the columns import reads, so an export re-imports as it was.
 * Cells that a spreadsheet would run as a formula are neutralised; import reads them back as they were.
 */
export async function exportSubscribers(deps: SubscriberDeps): Promise<{ csv: string; count: number }> {
  const store = new SubscriberStore(deps.subscribers, deps.tokenSecret, deps.clock);
  const rows: string[][] = [];
  for await (const s of store.all())
    rows.push([s.email, s.status, s.topics.join(';'), s.cadence ?? 'each', s.consentAt ?? '', s.consentSource ?? '']);
  rows.sort((a, b) => (a[0]! < b[0]! ? -1 : a[0]! > b[0]! ? 1 : 0));
  return { csv: formatSpreadsheetCsv([[...CSV_COLUMNS], ...rows]), count: rows.length };
}
