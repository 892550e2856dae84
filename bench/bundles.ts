/**
 * Each Lambda bundle as the CDK's NodejsFunction builds it (lib/constructs/monitoring.ts: esbuild,
 * minify, source map, ESM, target node22, the `require` banner, main fields module,main, and the
 * default externals of a Node ≥ 18 runtime with the sdkV3ExcludeSmithyPackages flag: @aws-sdk/*
 * and @smithy/*), its size, and its module init time: a fresh Node process with the environment
 * a function sees imports the bundle; median of several processes.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { EDGE_FUNCTIONS, FUNCTIONS } from '#shared/catalogue.ts';

/** Under node_modules, so that the bundle's external @aws-sdk imports resolve as Lambda's runtime provides them. */
const OUT_ROOT = path.resolve('node_modules/.cache/credmon-bench/bundles');

export interface BundleMeasure {
  readonly name: string;
  readonly entry: string;
  readonly memoryMb: number;
  readonly bytes: number;
  readonly sourceMapBytes: number;
  /** Median milliseconds to import the bundle in a fresh process. */
  readonly initMs: number;
  readonly initRuns: readonly number[];
}

/** The esbuild options NodejsFunction passes for credmon's functions (see the module comment). */
export function nodejsFunctionOptions(entry: string, outfile: string) {
  return {
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node' as const,
    target: 'node22',
    format: 'esm' as const,
    minify: true,
    sourcemap: true,
    mainFields: ['module', 'main'],
    external: ['@aws-sdk/*', '@smithy/*'],
    banner: {
      js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
    },
    logLevel: 'silent' as const,
  };
}

/** Milliseconds a fresh Node process takes to import `file` (printed by the child). */
function timeImport(file: string, env: Record<string, string>): Promise<number> {
  const script = `const t=performance.now();await import(${JSON.stringify(pathToFileURL(file).href)});console.log(String(performance.now()-t));`;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
    });
    child.stderr.on('data', (chunk) => {
      err += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = Number(out.trim().split('\n').at(-1));
      if (code !== 0 || !Number.isFinite(ms))
        reject(new Error(`importing ${file} failed (${code}): ${err.trim()}`));
      else resolve(ms);
    });
  });
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

/**
 * @example
 * const bundles = await benchBundles(localEnvironment(aws, resources, bureaus), 5);
 */
export async function benchBundles(env: Record<string, string>, runs = 5): Promise<BundleMeasure[]> {
  rmSync(OUT_ROOT, { recursive: true, force: true });
  const results: BundleMeasure[] = [];
  const lambdaEnv = {
    ...env,
    // What the CDK stack sets on every function.
    NODE_OPTIONS: '--enable-source-maps',
    POWERTOOLS_SERVICE_NAME: 'credmon',
    POWERTOOLS_METRICS_NAMESPACE: 'Credmon',
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '1024',
    // The table export's settings (the CDK stack's references; the export is never started here).
    TABLE_ARN: 'arn:aws:dynamodb:eu-north-1:123456789012:table/credmon',
    EXPORT_BUCKET: 'credmon-exports',
    EXPORT_KMS_KEY_ID: 'arn:aws:kms:eu-north-1:123456789012:key/00000000-0000-0000-0000-000000000000',
  };
  for (const definition of [...Object.values(FUNCTIONS), ...Object.values(EDGE_FUNCTIONS)]) {
    if (!existsSync(definition.entry)) continue;
    const outDir = path.join(OUT_ROOT, definition.name);
    mkdirSync(outDir, { recursive: true });
    const outfile = path.join(outDir, 'index.mjs');
    await build(nodejsFunctionOptions(definition.entry, outfile));
    const initRuns: number[] = [];
    for (let run = 0; run < runs; run++) initRuns.push(await timeImport(outfile, lambdaEnv));
    results.push({
      name: definition.name,
      entry: definition.entry,
      memoryMb: definition.memoryMb,
      bytes: statSync(outfile).size,
      sourceMapBytes: statSync(`${outfile}.map`).size,
      initMs: median(initRuns),
      initRuns,
    });
  }
  return results;
}
