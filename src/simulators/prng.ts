// A tiny seeded generator (mulberry32) so datasets are identical on every machine and run; Math.random
// would make benchmark and test fixtures drift.

export interface Random {
  /** Uniform in [0, 1). */
  next(): number;
  int(minInclusive: number, maxInclusive: number): number;
  pick<T>(items: readonly T[]): T;
  chance(probability: number): boolean;
  /** Exponentially distributed with the given mean. */
  exponential(mean: number): number;
}

export function seedFrom(seed: number | string): number {
  if (typeof seed === 'number') return seed >>> 0;
  // FNV-1a, enough to spread short strings across 32 bits.
  let hash = 0x811c9dc5;
  for (let i = 0; i < seed.length; i += 1) {
    hash ^= seed.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

export function createRandom(seed: number | string): Random {
  let state = seedFrom(seed);
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int(min, max) {
      return min + Math.floor(next() * (max - min + 1));
    },
    pick<T>(items: readonly T[]): T {
      if (items.length === 0) throw new RangeError('cannot pick from an empty list');
      return items[Math.floor(next() * items.length)] as T;
    },
    chance(probability) {
      return next() < probability;
    },
    exponential(mean) {
      return -Math.log(1 - next()) * mean;
    },
  };
}
