/**
 * Fits the accounts model on data/polish-bankruptcy/1year-keyfigures.csv and writes
 * shared/domain/risk/accounts-params.ts plus the measured table in docs/risk-model.md.
 *
 * Reproducible: folds come from a seeded, stratified shuffle, and the L2 strength is chosen by inner
 * cross-validation inside each outer training fold, so the reported CV AUC is never tuned on the
 * rows it is measured on.
 *
 * usage: npm run fit:accounts [-- --check]   (--check: fit and print, write nothing)
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readCsv } from '#shared/cli/csv.ts';
import {
  type AccountsParams,
  altmanZDoublePrime,
  FEATURE_NAMES,
  FEATURES,
  featuresOf,
  KEY_FIGURE_NAMES,
  type KeyFigures,
  loadAccountsParams,
  scoreAccounts,
} from '#shared/domain/risk/accounts.ts';
import { DEFAULT_BANDS, riskClassOf } from '#shared/domain/risk/bands.ts';

const ROOT = join(import.meta.dirname, '..');
const DATA = 'data/polish-bankruptcy/1year-keyfigures.csv';
const PARAMS_OUT = 'shared/domain/risk/accounts-params.ts';
const DOC = 'docs/risk-model.md';
const SEED = 20260501;
const FOLDS = 5;
const HORIZON_YEARS = 5;
const L2_GRID = [1, 3, 10, 30, 100, 300];
/**
 * Prefer the strongest L2 whose inner-CV AUC is within this of the best: the model is used on other
 * horizons and countries than it is fitted on, where a smoother model travels better.
 */
const AUC_TOLERANCE = 0.005;

interface Row {
  id: string;
  figures: KeyFigures;
  y: 0 | 1;
}

async function load(): Promise<Row[]> {
  const rows: Row[] = [];
  let header: string[] | null = null;
  for await (const { fields } of readCsv(join(ROOT, DATA))) {
    if (header === null) {
      header = fields;
      continue;
    }
    const cell = (name: string): string => fields[header?.indexOf(name) ?? -1] ?? '';
    const figures = Object.fromEntries(
      KEY_FIGURE_NAMES.map((k) => [k, cell(k) === '' ? null : Number(cell(k))]),
    ) as KeyFigures;
    rows.push({ id: cell('id'), figures, y: cell('bankrupt') === '1' ? 1 : 0 });
  }
  return rows;
}

/** mulberry32: a tiny seeded PRNG so fold assignment is identical on every run. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Stratified fold per index: defaults and survivors are shuffled separately, then dealt round-robin. */
function assignFolds(labels: readonly number[], k: number, seed: number): number[] {
  const random = prng(seed);
  const folds = new Array<number>(labels.length).fill(0);
  for (const cls of [0, 1]) {
    const idx = labels.flatMap((y, i) => (y === cls ? [i] : []));
    for (let i = idx.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [idx[i], idx[j]] = [idx[j] ?? 0, idx[i] ?? 0];
    }
    idx.forEach((row, n) => {
      folds[row] = n % k;
    });
  }
  return folds;
}

/** AUC by the rank-sum (Mann–Whitney) statistic, ties counted half. Higher score = riskier. */
export function auc(scores: readonly number[], labels: readonly number[]): number {
  const order = scores.map((s, i) => [s, i] as const).sort((a, b) => a[0] - b[0]);
  let rankSumPos = 0;
  let pos = 0;
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j < order.length && order[j]?.[0] === order[i]?.[0]) j++;
    const rank = (i + j + 1) / 2;
    for (let t = i; t < j; t++) {
      if (labels[order[t]?.[1] ?? 0] === 1) {
        rankSumPos += rank;
        pos++;
      }
    }
    i = j;
  }
  const neg = order.length - pos;
  return (rankSumPos - (pos * (pos + 1)) / 2) / (pos * neg);
}

const median = (values: number[]): number => {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] ?? 0) : ((s[m - 1] ?? 0) + (s[m] ?? 0)) / 2;
};

/** Reference (median) company: per-feature medians over rows where the feature's ratio is reported. */
function referenceOf(rows: readonly Row[]): Record<string, number> {
  const zero = Object.fromEntries(FEATURE_NAMES.map((n) => [n, 0]));
  const columns: number[][] = FEATURE_NAMES.map(() => []);
  for (const row of rows) {
    const f = featuresOf(row.figures, zero);
    if (f === null) continue;
    FEATURE_NAMES.forEach((name, i) => {
      const key = name.split('.')[0] ?? '';
      const missing = name === 'eqTa.negative' ? f.clean.equity === null : f.ratios[key] === null;
      if (!missing || name === 'lnGrowth.missing') columns[i]?.push(f.values[i] ?? 0);
    });
  }
  // The reference is a company with revenue history: a missing history then shows as a reason.
  const reference = Object.fromEntries(FEATURE_NAMES.map((n, i) => [n, median(columns[i] ?? [])]));
  reference['lnGrowth.missing'] = 0;
  return reference;
}

interface Model {
  intercept: number;
  beta: number[];
}

/**
 * L2-regularized logistic regression by cyclic coordinate descent (one Newton step per coefficient),
 * on standardized features, with each coefficient projected onto its required sign.
 */
function fitLogistic(x: readonly number[][], y: readonly number[], l2: number): Model {
  const n = x.length;
  const p = FEATURES.length;
  const mean = new Array<number>(p).fill(0);
  const sd = new Array<number>(p).fill(0);
  for (const row of x) for (let j = 0; j < p; j++) mean[j] = (mean[j] ?? 0) + (row[j] ?? 0) / n;
  for (const row of x)
    for (let j = 0; j < p; j++) sd[j] = (sd[j] ?? 0) + ((row[j] ?? 0) - (mean[j] ?? 0)) ** 2 / n;
  for (let j = 0; j < p; j++) sd[j] = Math.sqrt(sd[j] ?? 0) || 1;
  const z = x.map((row) => row.map((v, j) => (v - (mean[j] ?? 0)) / (sd[j] ?? 1)));
  const rate = y.reduce((a, b) => a + b, 0) / n;
  let b0 = Math.log(rate / (1 - rate));
  const b = new Array<number>(p).fill(0);
  const eta = new Array<number>(n).fill(b0);
  for (let sweep = 0; sweep < 100; sweep++) {
    let maxStep = 0;
    for (let j = -1; j < p; j++) {
      let g = 0;
      let h = 0;
      for (let i = 0; i < n; i++) {
        const pi = 1 / (1 + Math.exp(-(eta[i] ?? 0)));
        const xij = j < 0 ? 1 : (z[i]?.[j] ?? 0);
        g += (pi - (y[i] ?? 0)) * xij;
        h += pi * (1 - pi) * xij * xij;
      }
      if (j < 0) {
        const step = -g / Math.max(h, 1e-9);
        b0 += step;
        for (let i = 0; i < n; i++) eta[i] = (eta[i] ?? 0) + step;
        maxStep = Math.max(maxStep, Math.abs(step));
        continue;
      }
      const old = b[j] ?? 0;
      let next = old - (g + l2 * old) / (h + l2);
      const sign = FEATURES[j]?.sign ?? 0;
      if (sign > 0) next = Math.max(0, next);
      if (sign < 0) next = Math.min(0, next);
      const delta = next - old;
      if (delta !== 0) {
        b[j] = next;
        for (let i = 0; i < n; i++) eta[i] = (eta[i] ?? 0) + delta * (z[i]?.[j] ?? 0);
      }
      maxStep = Math.max(maxStep, Math.abs(delta));
    }
    if (maxStep < 1e-5) break;
  }
  // Back to the raw feature scale, which is what the params file stores.
  const beta = b.map((v, j) => v / (sd[j] ?? 1));
  const intercept = b0 - beta.reduce((acc, v, j) => acc + v * (mean[j] ?? 0), 0);
  return { intercept, beta };
}

const predict = (m: Model, row: readonly number[]): number =>
  m.intercept + m.beta.reduce((acc, v, j) => acc + v * (row[j] ?? 0), 0);

interface Design {
  x: number[][];
  y: number[];
  /** Index into the full row list of each design row. */
  rowIndex: number[];
}

function design(rows: readonly Row[], indices: readonly number[], reference: Record<string, number>): Design {
  const out: Design = { x: [], y: [], rowIndex: [] };
  for (const i of indices) {
    const row = rows[i];
    const f = row && featuresOf(row.figures, reference);
    if (!row || !f) continue;
    out.x.push(f.values);
    out.y.push(row.y);
    out.rowIndex.push(i);
  }
  return out;
}

/** Fits on `train` with each L2 strength by inner CV and returns the best strength. */
function chooseL2(rows: readonly Row[], train: readonly number[]): number {
  const folds = assignFolds(
    train.map((i) => rows[i]?.y ?? 0),
    FOLDS,
    SEED + 1,
  );
  const curve: { l2: number; auc: number }[] = [];
  for (const l2 of L2_GRID) {
    const scores: number[] = [];
    const labels: number[] = [];
    for (let k = 0; k < FOLDS; k++) {
      const inner = train.filter((_, n) => folds[n] !== k);
      const held = train.filter((_, n) => folds[n] === k);
      const reference = referenceOf(inner.flatMap((i) => (rows[i] ? [rows[i]] : [])));
      const d = design(rows, inner, reference);
      const model = fitLogistic(d.x, d.y, l2);
      const t = design(rows, held, reference);
      t.x.forEach((row, n) => {
        scores.push(predict(model, row));
        labels.push(t.y[n] ?? 0);
      });
    }
    curve.push({ l2, auc: auc(scores, labels) });
  }
  const best = Math.max(...curve.map((c) => c.auc));
  const chosen = curve.filter((c) => c.auc >= best - AUC_TOLERANCE).at(-1)?.l2 ?? L2_GRID[0] ?? 1;
  process.stderr.write(
    `  inner CV AUC by L2: ${curve.map((c) => `${c.l2}:${c.auc.toFixed(4)}`).join(' ')}\n`,
  );
  return chosen;
}

const logit = (p: number): number => Math.log(p / (1 - p));

function toParams(
  model: Model,
  reference: Record<string, number>,
  meta: Omit<AccountsParams['metadata'], 'fittedAt'>,
): AccountsParams {
  const base5 = meta.defaults / meta.rows;
  return loadAccountsParams(
    {
      model: 'credmon-accounts/1',
      intercept: round(model.intercept),
      horizonShift: round(logit(meta.targetAnnualBaseRate) - logit(base5)),
      coefficients: Object.fromEntries(FEATURE_NAMES.map((n, j) => [n, round(model.beta[j] ?? 0)])),
      reference: Object.fromEntries(FEATURE_NAMES.map((n) => [n, round(reference[n] ?? 0)])),
      metadata: { ...meta, fittedAt: new Date().toISOString().slice(0, 10) },
    },
    'fit-accounts',
  );
}

const round = (v: number): number => Math.round(v * 1e6) / 1e6;
const pctText = (v: number): string => `${(v * 100).toFixed(1)} %`;

async function main(): Promise<void> {
  const check = process.argv.includes('--check');
  const rows = await load();
  const labels = rows.map((r) => r.y);
  const folds = assignFolds(labels, FOLDS, SEED);
  const defaults = labels.reduce<number>((a, b) => a + b, 0);
  const targetAnnualBaseRate = 1 - (1 - defaults / rows.length) ** (1 / HORIZON_YEARS);

  // Out-of-fold: per outer fold, choose L2 by inner CV, fit, score the held-out fold as credmon would.
  const oof = new Array<number | null>(rows.length).fill(null);
  const oofPd = new Array<number | null>(rows.length).fill(null);
  const chosen: number[] = [];
  for (let k = 0; k < FOLDS; k++) {
    const train = rows.flatMap((_, i) => (folds[i] !== k ? [i] : []));
    const test = rows.flatMap((_, i) => (folds[i] === k ? [i] : []));
    const l2 = chooseL2(rows, train);
    chosen.push(l2);
    const trainRows = train.flatMap((i) => (rows[i] ? [rows[i]] : []));
    const reference = referenceOf(trainRows);
    const d = design(rows, train, reference);
    const model = fitLogistic(d.x, d.y, l2);
    const foldDefaults = d.y.reduce((a, b) => a + b, 0);
    const params = toParams(model, reference, metaOf(d.y.length, foldDefaults, l2, 0, 0));
    for (const i of test) {
      const row = rows[i];
      if (!row) continue;
      const s = scoreAccounts(row.figures, params);
      oof[i] = s.logOdds;
      oofPd[i] = s.pd;
    }
    process.stderr.write(`fold ${k + 1}/${FOLDS}: l2=${l2}\n`);
  }

  const scored = rows.flatMap((r, i) => (oof[i] === null ? [] : [{ s: oof[i] ?? 0, y: r.y, i }]));
  const modelAuc = auc(
    scored.map((r) => r.s),
    scored.map((r) => r.y),
  );
  // Altman: higher Z'' is safer; rows it cannot score get the median so they count, uninformatively.
  const zs = rows.map((r) => altmanZDoublePrime(r.figures));
  const zMedian = median(zs.filter((z): z is number => z !== null));
  const altmanAuc = auc(
    zs.map((z) => -(z ?? zMedian)),
    labels,
  );
  const single = bestSingleRatio(rows, labels);

  const classes = { A: { n: 0, d: 0 }, B: { n: 0, d: 0 }, C: { n: 0, d: 0 }, D: { n: 0, d: 0 } };
  rows.forEach((r, i) => {
    const pd = oofPd[i];
    if (pd === null || pd === undefined) return;
    const c = classes[riskClassOf(pd, { bands: DEFAULT_BANDS })];
    c.n++;
    c.d += r.y;
  });

  // Final model on all rows, L2 by CV on all rows.
  const l2 = chooseL2(
    rows,
    rows.map((_, i) => i),
  );
  const reference = referenceOf(rows);
  const d = design(
    rows,
    rows.map((_, i) => i),
    reference,
  );
  const model = fitLogistic(d.x, d.y, l2);
  const params = toParams(
    model,
    reference,
    metaOf(
      d.y.length,
      d.y.reduce((a, b) => a + b, 0),
      l2,
      round(modelAuc),
      round(altmanAuc),
    ),
  );
  params.metadata.targetAnnualBaseRate = round(targetAnnualBaseRate);

  const coverage = scored.length / rows.length;
  const table = [
    `Fitted ${params.metadata.fittedAt} by \`npm run fit:accounts\` on \`${DATA}\``,
    `(${rows.length} companies, ${defaults} bankrupt within ${HORIZON_YEARS} years), ${FOLDS}-fold stratified CV,`,
    `seed ${SEED}; L2 chosen per outer fold by inner ${FOLDS}-fold CV (strongest within ${AUC_TOLERANCE} AUC of the best) (chosen: ${chosen.join(', ')}; final model: ${l2}).`,
    '',
    '| model | AUC (out-of-fold) |',
    '|---|---|',
    `| credmon accounts model | ${modelAuc.toFixed(3)} |`,
    `| Altman Z'' (capped ratios) | ${altmanAuc.toFixed(3)} |`,
    `| best single ratio (${single.name}) | ${single.auc.toFixed(3)} |`,
    '',
    `Coverage: ${scored.length} of ${rows.length} rows scored (${pctText(coverage)}).`,
    '',
    '| class (12-month PD) | companies | share | bankrupt | observed 5-year bankruptcy rate |',
    '|---|---|---|---|---|',
    ...Object.entries(classes).map(
      ([name, c]) =>
        `| ${name} | ${c.n} | ${pctText(c.n / scored.length)} | ${c.d} | ${c.n ? pctText(c.d / c.n) : '–'} |`,
    ),
  ].join('\n');
  process.stdout.write(`${table}\n\ncoefficients:\n`);
  for (const name of FEATURE_NAMES) {
    process.stdout.write(
      `  ${name.padEnd(22)} ${params.coefficients[name]}  (ref ${params.reference[name]})\n`,
    );
  }
  process.stdout.write(`intercept ${params.intercept}, horizon shift ${params.horizonShift}\n`);
  if (check) return;

  writeFileSync(
    join(ROOT, PARAMS_OUT),
    [
      '// Generated by scripts/fit-accounts.ts (npm run fit:accounts): do not edit by hand.',
      '// The fitted accounts model; accounts.ts validates it with AccountsParams on load.',
      `export const DEFAULT_ACCOUNTS_PARAMS: unknown = ${JSON.stringify(params, null, 2)};`,
      '',
    ].join('\n'),
  );
  // Generated code follows the project's formatting, so a refit leaves `npm run lint` clean.
  execFileSync(join(ROOT, 'node_modules/.bin/biome'), ['format', '--write', PARAMS_OUT], {
    cwd: ROOT,
    stdio: 'ignore',
  });
  const docPath = join(ROOT, DOC);
  const doc = readFileSync(docPath, 'utf8');
  const begin = '<!-- fit-accounts:begin -->';
  const end = '<!-- fit-accounts:end -->';
  const from = doc.indexOf(begin);
  const to = doc.indexOf(end);
  if (from < 0 || to < from) throw new Error(`${DOC}: markers ${begin} … ${end} not found`);
  writeFileSync(docPath, `${doc.slice(0, from + begin.length)}\n${table}\n${doc.slice(to)}`);
  process.stderr.write(`wrote ${PARAMS_OUT} and the table in ${DOC}\n`);
}

function metaOf(
  rows: number,
  defaults: number,
  l2: number,
  cvAuc: number,
  cvAucAltmanZpp: number,
): Omit<AccountsParams['metadata'], 'fittedAt'> {
  const target = 1 - (1 - defaults / rows) ** (1 / HORIZON_YEARS);
  return {
    fittedOn: DATA,
    rows,
    defaults,
    trainingHorizonYears: HORIZON_YEARS,
    targetAnnualBaseRate: target,
    l2,
    folds: FOLDS,
    seed: SEED,
    cvAuc,
    cvAucAltmanZpp,
  };
}

/** The best of the model's capped ratios used alone, each oriented the way economics says. */
function bestSingleRatio(rows: readonly Row[], labels: readonly number[]): { name: string; auc: number } {
  const zero = Object.fromEntries(FEATURE_NAMES.map((n) => [n, 0]));
  const feats = rows.map((r) => featuresOf(r.figures, zero));
  const riskier: Record<string, 1 | -1> = {
    roa: -1,
    ebitTa: -1,
    tlTa: 1,
    eqTa: -1,
    wcTa: -1,
    lnCurrentRatio: -1,
    reTa: -1,
    stlTa: 1,
    salesTa: -1,
    lnGrowth: -1,
  };
  let best = { name: '', auc: 0 };
  for (const [key, dir] of Object.entries(riskier)) {
    const values = feats.map((f) => f?.ratios[key] ?? null);
    const m = median(values.filter((v): v is number => v !== null));
    const a = auc(
      values.map((v) => dir * (v ?? m)),
      labels,
    );
    if (a > best.auc) best = { name: key, auc: a };
  }
  return best;
}

await main();
