import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { respond } from '#shared/simulator/respond.ts';
import type { SimResponse, SimWorld } from '#shared/simulator/types.ts';

export function fixture(name: string): unknown {
  return JSON.parse(readFileSync(join(__dirname, '../../fixtures/simulator', name), 'utf8'));
}

export function get(world: SimWorld, path: string, query: Record<string, string> = {}): SimResponse {
  return respond(world, { method: 'GET', path, query, body: undefined });
}

export function record(value: unknown): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    throw new Error('expected an object');
  return value as Record<string, unknown>;
}

export function keys(value: unknown): string[] {
  return Object.keys(record(value)).sort();
}

/** Dotted paths of every leaf; array elements collapse to `[]`. */
export function leafPaths(value: unknown, prefix = ''): string[] {
  if (Array.isArray(value)) return [...new Set(value.flatMap((v) => leafPaths(v, `${prefix}[]`)))].sort();
  if (value !== null && typeof value === 'object') {
    return Object.entries(value)
      .flatMap(([k, v]) => leafPaths(v, prefix ? `${prefix}.${k}` : k))
      .sort();
  }
  return [prefix];
}
