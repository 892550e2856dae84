/**
 * A small streaming CSV reader (RFC 4180: comma separated, fields optionally in double quotes, `""`
 * for a quote inside quotes, CRLF or LF line ends). Errors name the file, line and column.
 */
import { createReadStream } from 'node:fs';
import { InputError } from '#shared/errors.ts';

/** A CSV syntax error, with 1-based line and column. */
export class CsvSyntaxError extends InputError {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly column: number,
    problem: string,
  ) {
    super(`${file}:${line}:${column}: ${problem}`);
  }
}

/**
 * Splits one CSV record into fields. Throws {@link CsvSyntaxError} on a stray quote or an unclosed
 * quoted field; `where` names the file and line for that message.
 *
 * @example
 * parseCsvLine('a,"b,c",""""'); // ['a', 'b,c', '"']
 */
export function parseCsvLine(
  text: string,
  where: { file: string; line: number } = { file: '<csv>', line: 1 },
): string[] {
  const fields: string[] = [];
  let i = 0;
  for (;;) {
    if (text[i] === '"') {
      const start = i;
      let value = '';
      i++;
      for (;;) {
        const q = text.indexOf('"', i);
        if (q < 0) throw new CsvSyntaxError(where.file, where.line, start + 1, 'unclosed quoted field');
        value += text.slice(i, q);
        if (text[q + 1] === '"') {
          value += '"';
          i = q + 2;
        } else {
          i = q + 1;
          break;
        }
      }
      if (i < text.length && text[i] !== ',') {
        throw new CsvSyntaxError(where.file, where.line, i + 1, 'unexpected character after a closing quote');
      }
      fields.push(value);
    } else {
      const comma = text.indexOf(',', i);
      const end = comma < 0 ? text.length : comma;
      const value = text.slice(i, end);
      const quote = value.indexOf('"');
      if (quote >= 0) {
        throw new CsvSyntaxError(where.file, where.line, i + quote + 1, 'quote inside an unquoted field');
      }
      fields.push(value);
      i = end;
    }
    if (i >= text.length) return fields;
    i++; // the comma
  }
}

/** One record of a CSV file: its fields and the 1-based line it starts on. */
export interface CsvRecord {
  readonly line: number;
  readonly fields: string[];
}

/**
 * Streams the records of a CSV file, one at a time (the header is the first). A quoted field may
 * span lines; blank lines are skipped. Also reports bytes read, for progress.
 *
 * @example
 * for await (const { line, fields } of readCsv('in.csv')) console.log(line, fields);
 */
export async function* readCsv(
  file: string,
  onBytes?: (bytesRead: number) => void,
): AsyncGenerator<CsvRecord> {
  const stream = createReadStream(file, { encoding: 'utf8', highWaterMark: 1 << 16 });
  let buffer = '';
  let lineNo = 0;
  let pending: { start: number; text: string } | null = null;
  let bytes = 0;
  const take = function* (physical: string): Generator<CsvRecord> {
    lineNo++;
    const text = physical.endsWith('\r') ? physical.slice(0, -1) : physical;
    const record =
      pending === null ? { start: lineNo, text } : { start: pending.start, text: `${pending.text}\n${text}` };
    // An odd number of quotes means a quoted field continues on the next line.
    if (countQuotes(record.text) % 2 === 1) {
      pending = record;
      return;
    }
    pending = null;
    if (record.text === '') return;
    yield { line: record.start, fields: parseCsvLine(record.text, { file, line: record.start }) };
  };
  for await (const chunk of stream) {
    const text = String(chunk);
    bytes += Buffer.byteLength(text);
    onBytes?.(bytes);
    buffer += text;
    let newline = buffer.indexOf('\n');
    while (newline >= 0) {
      yield* take(buffer.slice(0, newline));
      buffer = buffer.slice(newline + 1);
      newline = buffer.indexOf('\n');
    }
  }
  if (buffer !== '') yield* take(buffer);
  if (pending !== null) {
    const open: { start: number; text: string } = pending;
    parseCsvLine(open.text, { file, line: open.start });
    throw new CsvSyntaxError(file, open.start, 1, 'unclosed quoted field at end of file');
  }
}

function countQuotes(text: string): number {
  let n = 0;
  for (let i = text.indexOf('"'); i >= 0; i = text.indexOf('"', i + 1)) n++;
  return n;
}
