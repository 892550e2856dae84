/**
 * A world by recipe rather than by object: what a worker thread (or a resumed server) needs to
 * build the same seeded world again.
 */
import { readFileSync } from 'node:fs';
import { type IntradayOptions, intradayWorld } from './intraday.ts';
import { loadScenario } from './scenario.ts';
import type { SimWorld } from './types.ts';
import { createWorld, type WorldOptions } from './world.ts';

export type WorldSource =
  | {
      readonly kind: 'generated';
      readonly options: WorldOptions;
      /** Changes that come within the day (intraday.ts); none when absent. */
      readonly intraday?: IntradayOptions;
    }
  /** A scenario file (read again by every thread that builds it: it must stay in place). */
  | { readonly kind: 'scenario'; readonly file: string };

/**
 * Builds the world a recipe describes.
 *
 * @example
 * const world = worldFrom({ kind: 'generated', options: { seed: 1, subjects: 40, startDate: '2026-07-15' } });
 */
export function worldFrom(source: WorldSource): SimWorld {
  if (source.kind === 'scenario')
    return loadScenario(JSON.parse(readFileSync(source.file, 'utf8')), source.file);
  if (source.intraday)
    return intradayWorld(createWorld(source.options), createWorld(source.options), source.intraday);
  return createWorld(source.options);
}
