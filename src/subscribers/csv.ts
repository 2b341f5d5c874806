import { BroadsheetError } from '../errors.ts';
/** RFC 4180 CSV: comma-separated, fields with a comma, quote or line break in double quotes, `""` for a quote. */

export class CsvError extends BroadsheetError {
  override name = 'CsvError';
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(`line ${line}: ${message}`);
  }
}

export interface CsvRecord {
  fields: string[];
  /** The line the record starts on (1-based), for messages. */
  line: number;
}

/**
 * Parses CSV text into records. Accepts CRLF or LF line ends and a leading byte order mark; a final line end does
 * not make an empty record. A quote inside an unquoted field, text after a closing quote or an unclosed quote is
 * an error naming its line.
 */
export function parseCsv(text: string): CsvRecord[] {
  const input = text.startsWith('\uFEFF') ? text.slice(1) : text;
  const records: CsvRecord[] = [];
  let fields: string[] = [];
  let field = '';
  let line = 1;
  let recordLine = 1;
  let i = 0;
  let quoted = false;
  let afterQuote = false;
  const endField = () => {
    fields.push(field);
    field = '';
    quoted = false;
    afterQuote = false;
  };
  const endRecord = () => {
    endField();
    records.push({ fields, line: recordLine });
    fields = [];
  };
  while (i < input.length) {
    const c = input[i]!;
    if (quoted) {
      if (c === '"') {
        if (input[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
        afterQuote = true;
      } else {
        if (c === '\n') line++;
        field += c;
      }
      i++;
      continue;
    }
    if (c === ',') {
      endField();
      i++;
    } else if (c === '\r' || c === '\n') {
      endRecord();
      i += c === '\r' && input[i + 1] === '\n' ? 2 : 1;
      line++;
      recordLine = line;
    } else if (afterQuote) {
      throw new CsvError('text after a closing quote; a quote inside a quoted field is written as ""', line);
    } else if (c === '"') {
      if (field !== '')
        throw new CsvError('a quote inside an unquoted field; quote the whole field and double the quote', line);
      quoted = true;
      i++;
    } else {
      field += c;
      i++;
    }
  }
  if (quoted) throw new CsvError('a quoted field is never closed', recordLine);
  if (field !== '' || fields.length > 0 || afterQuote) endRecord();
  return records;
}

function csvField(value: string): string {
  return /[",\r\n]|^\s|\s$/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** CSV text with CRLF line ends (RFC 4180), every record ended by one. */
export function formatCsv(rows: readonly (readonly string[])[]): string {
  return rows.map((row) => `${row.map(csvField).join(',')}\r\n`).join('');
}

/**
 * First characters that make a spreadsheet read a cell as a formula (OWASP, CSV injection): `=`, `+`, `-`, `@`,
 * tab and carriage return. A subscriber's address, topics and consent source can all start with one of them.
 */
const FORMULA_START = new Set(['=', '+', '-', '@', '\t', '\r']);
const QUOTE = "'";

/** A cell that would need its leading quote put back: it starts with a trigger, or is itself a quote-led cell. */
const needsQuote = (cell: string) =>
  FORMULA_START.has(cell[0] ?? '') || (cell[0] === QUOTE && (FORMULA_START.has(cell[1] ?? '') || cell[1] === QUOTE));

/**
 * A cell a spreadsheet shows as text: `=1+1` is written `'=1+1`, as OWASP advises. A cell that already starts
 * with `'` and then a trigger or another `'` gets one more, so restoreCell gives every value back exactly.
 */
export function neutraliseCell(cell: string): string {
  return needsQuote(cell) ? QUOTE + cell : cell;
}

/** The value neutraliseCell was given; a quote before anything else (`'abc`) is part of the value and stays. */
export function restoreCell(cell: string): string {
  return cell[0] === QUOTE && needsQuote(cell.slice(1)) ? cell.slice(1) : cell;
}

/** CSV for people to open in a spreadsheet: formatCsv with every cell neutralised. */
export function formatSpreadsheetCsv(rows: readonly (readonly string[])[]): string {
  return formatCsv(rows.map((row) => row.map(neutraliseCell)));
}
