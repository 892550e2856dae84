/**
 * Seeded pseudo-random numbers. Everything the simulator invents comes from here so that one seed
 * always yields the same world, the same faults and the same answers.
 */

/** A source of uniform numbers in [0, 1). */
export type Random = () => number;

/**
 * mulberry32: tiny, fast and good enough for simulation (not for secrets).
 *
 * @example
 * const random = mulberry32(1);
 * random(); // 0.6270739405881613, the same on every run
 */
export function mulberry32(seed: number): Random {
  // State in a typed array: a closure variable above 2^30 would be boxed on every call, and with
  // thousands of long-lived generators those boxes make garbage collection dominate a long run.
  const state = new Uint32Array([seed >>> 0]);
  return () => {
    const next = ((state[0] ?? 0) + 0x6d2b79f5) >>> 0;
    state[0] = next;
    let t = next;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Mixes several integers into one seed, so that each subject gets its own independent stream and
 * adding subjects never changes the ones already there.
 *
 * @example
 * mixSeed(1, 42) === mixSeed(1, 42); // true
 */
export function mixSeed(...parts: number[]): number {
  let h = 0x811c9dc5;
  for (const part of parts) {
    h = Math.imul(h ^ (part >>> 0), 0x01000193);
    h ^= h >>> 13;
    h = Math.imul(h, 0x5bd1e995);
    h ^= h >>> 15;
  }
  return h >>> 0;
}

/**
 * A standard normal draw (Box–Muller).
 *
 * @example
 * const z = normal(mulberry32(7)); // mean 0, standard deviation 1
 */
export function normal(random: Random): number {
  const u = Math.max(random(), 1e-12);
  const v = random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/**
 * A uniformly chosen element of a non-empty list.
 *
 * @example
 * pick(mulberry32(1), ['a', 'b']); // 'a' or 'b'
 */
export function pick<T>(random: Random, items: readonly T[]): T {
  const item = items[Math.floor(random() * items.length)];
  if (item === undefined) throw new Error('pick from an empty list');
  return item;
}

/**
 * A whole number from `min` to `max` inclusive.
 *
 * @example
 * integer(mulberry32(1), 1, 6); // a die roll
 */
export function integer(random: Random, min: number, max: number): number {
  return min + Math.floor(random() * (max - min + 1));
}
