import { readFile, writeFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import type { SubscriberDeps } from '../subscribers/flows.ts';
import { dataForAddress, eraseAddress } from '../subscribers/preferences.ts';
import {
  exportSubscribers,
  ImportFileError,
  importSubscribers,
  rejectedRowsCsv,
  type ImportReport,
} from '../subscribers/import-export.ts';
import { UsageError } from './errors.ts';

export const SUBSCRIBERS_USAGE = `Usage:
  broadsheet subscribers import <file.csv> [--source <name>] [--send-confirmations] [--rejects <file.csv>]
  broadsheet subscribers export [--out <file.csv>]
  broadsheet subscribers export <address> [--out <file.json>]
  broadsheet subscribers erase <address>

import  reads a CSV file with a header row: email (required), topics (separated by ;),
        cadence (each, daily, weekly: those the configuration offers; blank keeps the reader's),
        consent_at (YYYY-MM-DD or ISO 8601 time), source, status (pending, confirmed,
        unsubscribed, suppressed). A row becomes confirmed only with a consent_at date;
        otherwise it is pending until the reader confirms: --send-confirmations mails them
        the link. Bad rows are listed (row number and reason) and skipped; --rejects writes
        them to a CSV file. An import never lifts a suppression or an unsubscription.
        --source names the origin recorded for rows without one (default: the file name).
export  writes every subscriber as CSV (the columns import reads) to --out or standard output;
        with an address, everything kept about that one subscriber, as JSON (a reader's access request).
erase   removes one subscriber (a reader's erasure request), as the preference page does: a bounced
        or complained address stays suppressed, kept only as its keyed digest, so it is never mailed again;
        the send records of recent dispatches keep the opaque subscriber id for up to 90 days.

Exit status: 0 done, 1 some rows rejected, 2 usage error or unreadable file.`;

export interface SubscribersCommandDeps extends SubscriberDeps {
  stdout?: (text: string) => void;
  stderr?: (text: string) => void;
}

/** `broadsheet subscribers ...`; `args` start after "subscribers". Returns the exit status. */
export async function runSubscribersCommand(args: string[], deps: SubscribersCommandDeps): Promise<number> {
  const out = deps.stdout ?? ((text: string) => void process.stdout.write(text));
  const err = deps.stderr ?? ((text: string) => void process.stderr.write(text));
  try {
    const { values, positionals } = parseArgs({
      args: args[0] === 'subscribers' ? args.slice(1) : args,
      allowPositionals: true,
      options: {
        source: { type: 'string' },
        'send-confirmations': { type: 'boolean' },
        rejects: { type: 'string' },
        out: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
    const [command, ...rest] = positionals;
    if (values.help) {
      out(`${SUBSCRIBERS_USAGE}\n`);
      return 0;
    }
    if (command === 'import') {
      if (rest.length !== 1) throw new UsageError('import takes exactly one CSV file');
      if (values.out) throw new UsageError('--out is for export; use --rejects <file.csv> for the rejected rows');
      return await runImport(rest[0]!, values, deps, out, err);
    }
    if (command === 'export' || command === 'erase') {
      if (values.source || values.rejects || values['send-confirmations'])
        throw new UsageError('--source, --rejects and --send-confirmations are for import');
    }
    if (command === 'erase') {
      if (rest.length !== 1) throw new UsageError('erase takes exactly one address');
      if (values.out) throw new UsageError('--out is for export');
      const outcome = await eraseAddress(deps, rest[0]!).catch(addressProblem);
      // Exactly what remains: never "nothing", while send records keep the id until their retention ends.
      const sends =
        'the send records of recent dispatches keep its opaque subscriber id (not the address) for up to 90 days';
      const said = {
        erased: `Erased ${rest[0]}. What remains: ${sends}; nothing else.`,
        'kept-suppression': `Erased ${rest[0]}. What remains: it stays suppressed (a bounce or complaint), kept as a keyed digest so that inbox is never mailed again; ${sends}; nothing else.`,
        unknown: `No subscriber ${rest[0]} on file. What may remain from an earlier erasure: ${sends}; if the inbox was suppressed, a keyed digest of it.`,
      };
      out(`${said[outcome]}\n`);
      return 0;
    }
    if (command === 'export' && rest.length === 1) {
      const data = await dataForAddress(deps, rest[0]!).catch(addressProblem);
      if (!data) {
        err(`Nothing is kept about ${rest[0]}.\n`);
        return 1;
      }
      const json = `${JSON.stringify(data, null, 2)}\n`;
      if (values.out) {
        await writeFile(values.out, json, 'utf8');
        err(`Wrote what is kept about ${rest[0]} to ${values.out}\n`);
      } else {
        out(json);
      }
      return 0;
    }
    if (command === 'export') {
      if (rest.length > 0) throw new UsageError('export takes at most one address; use --out <file> for the output');
      const { csv, count } = await exportSubscribers(deps);
      if (values.out) {
        await writeFile(values.out, csv, 'utf8');
        err(`Exported ${count} subscribers to ${values.out}\n`);
      } else {
        out(csv);
      }
      return 0;
    }
    throw new UsageError(
      command ? `unknown subscribers command "${command}"` : 'subscribers needs import, export or erase',
    );
  } catch (e) {
    if (e instanceof UsageError || (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      err(`broadsheet subscribers: ${(e as Error).message}\n\n${SUBSCRIBERS_USAGE}\n`);
      return 2;
    }
    if (e instanceof ImportFileError) {
      err(`broadsheet subscribers: cannot import: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
}

/** A mistyped address is a usage error, said as such. */
function addressProblem(e: unknown): never {
  throw e instanceof RangeError ? new UsageError(e.message) : e;
}

async function runImport(
  file: string,
  values: { source?: string; 'send-confirmations'?: boolean; rejects?: string },
  deps: SubscriberDeps,
  out: (text: string) => void,
  err: (text: string) => void,
): Promise<number> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new ImportFileError(`${file}: ${(e as Error).message}`, { cause: e });
  }
  const report = await importSubscribers(deps, text, {
    sourceName: values.source?.trim() || basename(file),
    sendConfirmations: values['send-confirmations'] ?? false,
  });
  out(summary(file, report));
  if (report.rejected.length > 0) {
    err(
      `Rejected rows (row 1 is the header):\n${report.rejected.map((r) => `  row ${r.row}: ${r.reason}\n`).join('')}`,
    );
    if (values.rejects) {
      const columns = Object.keys(report.rejected[0]!.fields);
      await writeFile(values.rejects, rejectedRowsCsv(report, columns), 'utf8');
      err(`Wrote the rejected rows to ${values.rejects}\n`);
    }
  }
  return report.rejected.length > 0 ? 1 : 0;
}

function summary(file: string, report: ImportReport): string {
  const o = report.outcomes;
  const lines = [
    `Imported ${file}: ${report.rows} rows, ${o.created} created, ${o.updated} updated, ${o.unchanged} unchanged, ` +
      `${o['kept-suppressed']} kept suppressed, ${o['kept-unsubscribed']} kept unsubscribed, ${report.rejected.length} rejected.`,
  ];
  if (report.ignoredColumns.length) lines.push(`Ignored columns: ${report.ignoredColumns.join(', ')}.`);
  if (report.confirmationsSent > 0) lines.push(`Sent ${report.confirmationsSent} confirmation emails.`);
  else if (report.pending > 0)
    lines.push(
      `${report.pending} subscribers are pending: they get nothing until they confirm. Run again with --send-confirmations to mail them the link.`,
    );
  return `${lines.join('\n')}\n`;
}
