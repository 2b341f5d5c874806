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
      if (field !== '') throw new CsvError('a quote inside an unquoted field; quote the whole field and double the quote', line);
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
