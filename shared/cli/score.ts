/**
 * `credmon score FILE.csv --out FILE.jsonl`: scores companies' key figures with the accounts model,
 * one JSON line per input row, streaming so that files of any size fit in memory.
 */

import { once } from 'node:events';
import { createWriteStream, readFileSync } from 'node:fs';
import { rename, rm, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import {
  type AccountsParams,
  KEY_FIGURE_NAMES,
  type KeyFigures,
  loadAccountsParams,
  scoreAccounts,
} from '#shared/domain/risk/accounts.ts';
import type { RiskClass } from '#shared/domain/risk/assessment.ts';
import { riskClassOf } from '#shared/domain/risk/bands.ts';
import { InputError } from '#shared/errors.ts';
import { describeFlags, parseFlags, UsageError } from './args.ts';
import type { CliCommand, CliIO } from './command.ts';
import { CsvSyntaxError, readCsv } from './csv.ts';

const FLAGS = {
  out: { kind: 'string', description: 'write one JSON object per input row to this file (JSON Lines)' },
  params: { kind: 'string', description: 'accounts model params JSON (default: the built-in fitted model)' },
  json: { kind: 'boolean', description: 'end stdout with a JSON summary line', default: false },
} as const;

const COLUMNS = ['id', ...KEY_FIGURE_NAMES] as const;
const PROGRESS_EVERY_BYTES = 4 << 20;

/** The summary printed at the end (`--json`: as one JSON line). */
export interface ScoreSummary {
  rows: number;
  scored: number;
  insufficient: number;
  classes: Record<RiskClass, number>;
}

export const scoreCommand: CliCommand = {
  name: 'score',
  summary: 'score companies from their key figures (CSV) with the accounts model',
  help: [
    'usage: credmon score FILE.csv --out FILE.jsonl [--json] [--params FILE.json]',
    '',
    `Input columns: ${COLUMNS.join(',')} (header required, any order, extra columns ignored,`,
    'empty cell = not reported). Output per row: {"id","pd","class","reasons"}; rows that cannot be',
    'scored get pd and class null and an INSUFFICIENT_DATA reason.',
    '',
    describeFlags(FLAGS),
  ].join('\n'),
  async run(argv, io) {
    let parsed: ReturnType<typeof parseFlags<typeof FLAGS>>;
    try {
      parsed = parseFlags(argv, FLAGS, { positionals: { min: 1, max: 1, names: 'FILE.csv' } });
      if (!parsed.help && parsed.flags.out === undefined) throw new UsageError('--out is required');
    } catch (error) {
      if (!(error instanceof UsageError)) throw error;
      io.stderr.write(`credmon score: ${error.message}\n${scoreCommand.help}\n`);
      return 2;
    }
    if (parsed.help) {
      io.stdout.write(`${scoreCommand.help}\n`);
      return 0;
    }
    const input = resolve(io.cwd, parsed.positionals[0] ?? '');
    const output = resolve(io.cwd, parsed.flags.out ?? '');
    try {
      const params =
        parsed.flags.params === undefined ? undefined : readParams(resolve(io.cwd, parsed.flags.params));
      const summary = await scoreFile(input, output, io, params);
      io.stderr.write(
        `scored ${summary.scored} of ${summary.rows} rows (A ${summary.classes.A}, B ${summary.classes.B}, ` +
          `C ${summary.classes.C}, D ${summary.classes.D}; ${summary.insufficient} insufficient) → ${output}\n`,
      );
      if (parsed.flags.json) io.stdout.write(`${JSON.stringify(summary)}\n`);
      return 0;
    } catch (error) {
      if (error instanceof InputError || isFsError(error)) {
        io.stderr.write(`credmon score: ${(error as { message?: unknown }).message ?? String(error)}\n`);
        return 1;
      }
      throw error;
    }
  },
};

/** Node's fs errors; checked structurally because they may come from another realm (e.g. under jest). */
function isFsError(error: unknown): error is NodeJS.ErrnoException {
  return (
    typeof error === 'object' && error !== null && typeof (error as { code?: unknown }).code === 'string'
  );
}

function readParams(file: string): AccountsParams {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new InputError(`${file}: not readable JSON: ${error instanceof Error ? error.message : error}`);
  }
  try {
    return loadAccountsParams(json, file);
  } catch (error) {
    throw new InputError(error instanceof Error ? error.message : String(error));
  }
}

/** Parses one numeric cell; empty is missing. Errors name file, line and column. */
function numberAt(
  text: string,
  where: { file: string; line: number; column: number; name: string },
): number | null {
  const trimmed = text.trim();
  if (trimmed === '') return null;
  const value = Number(trimmed);
  if (!Number.isFinite(value)) {
    throw new CsvSyntaxError(
      where.file,
      where.line,
      where.column,
      `column ${where.name}: expected a number, got '${text}'`,
    );
  }
  return value;
}

/**
 * Scores every row of `input` into `output` (JSON Lines) and returns the summary. Throws
 * {@link InputError} naming file, line and column on a malformed file.
 */
export async function scoreFile(
  input: string,
  output: string,
  io: Pick<CliIO, 'stderr'>,
  params?: AccountsParams,
): Promise<ScoreSummary> {
  const size = (await stat(input)).size;
  const progress = io.stderr.isTTY === true && size > PROGRESS_EVERY_BYTES;
  let nextReport = PROGRESS_EVERY_BYTES;
  const onBytes = (bytes: number): void => {
    if (!progress || bytes < nextReport) return;
    nextReport += PROGRESS_EVERY_BYTES;
    io.stderr.write(`\rscoring ${input}: ${Math.round((bytes / size) * 100)} %`);
  };
  // Written beside the output and renamed on success: a rejected input never leaves half a file
  // behind, nor clobbers an earlier good one.
  const partial = `${output}.partial`;
  const out = createWriteStream(partial, { encoding: 'utf8' });
  const failed = new Promise<never>((_, reject) => out.once('error', reject));
  failed.catch(() => undefined);
  const summary: ScoreSummary = { rows: 0, scored: 0, insufficient: 0, classes: { A: 0, B: 0, C: 0, D: 0 } };
  let columns: number[] | null = null;
  let width = 0;
  let complete = false;
  try {
    for await (const { line, fields } of readCsv(input, onBytes)) {
      if (columns === null) {
        const header = fields.map((f) => f.trim());
        const missing = COLUMNS.filter((c) => !header.includes(c));
        if (missing.length > 0) {
          throw new CsvSyntaxError(input, line, 1, `header lacks column(s): ${missing.join(', ')}`);
        }
        columns = COLUMNS.map((c) => header.indexOf(c));
        width = header.length;
        continue;
      }
      if (fields.length !== width) {
        throw new CsvSyntaxError(
          input,
          line,
          1,
          `expected ${width} fields as in the header, got ${fields.length}`,
        );
      }
      const at = columns;
      const cell = (n: number): string => fields[at[n] ?? -1] ?? '';
      const id = cell(0);
      if (id.trim() === '') throw new CsvSyntaxError(input, line, (at[0] ?? 0) + 1, 'column id is empty');
      const figures = {} as KeyFigures;
      KEY_FIGURE_NAMES.forEach((name, k) => {
        const column = (at[k + 1] ?? 0) + 1;
        figures[name] = numberAt(cell(k + 1), { file: input, line, column, name });
      });
      const score = scoreAccounts(figures, params);
      const riskClass = score.pd === null ? null : riskClassOf(score.pd);
      summary.rows++;
      if (riskClass === null) summary.insufficient++;
      else {
        summary.scored++;
        summary.classes[riskClass]++;
      }
      const record = {
        id,
        pd: score.pd === null ? null : round(score.pd),
        class: riskClass,
        reasons: score.reasons,
      };
      if (!out.write(`${JSON.stringify(record)}\n`)) await Promise.race([once(out, 'drain'), failed]);
    }
    if (columns === null) throw new CsvSyntaxError(input, 1, 1, 'empty file: expected a header line');
    complete = true;
  } finally {
    if (progress) io.stderr.write('\n');
    out.end();
    await Promise.race([once(out, 'finish'), failed]);
    if (complete) await rename(partial, output);
    else await rm(partial, { force: true });
  }
  return summary;
}

const round = (pd: number): number => Number(pd.toPrecision(4));
