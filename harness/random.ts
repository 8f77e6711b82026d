import { randomInt } from 'node:crypto';
import { Mulberry32, seededRandom, type Random } from '../nodes/random.ts';

// The harness's seeded randomness, in one place: the run's generator with its forks (workload, faults, scripts)
// and the proxy's per-decision generators. Everything here derives from the run's printed seed.

export type { Random };

/** A fresh seed for a run that was given none: any seed `--seed` accepts. */
export function randomSeed(): number {
  return randomInt(0, 2 ** 32);
}

/**
 * The project's seeded generator with picking helpers: the same seed gives the same workload and fault schedule, so a run replays.
 * Not for cryptography; fast and good enough to pick ops and fault times.
 */
export class Rng {
  private readonly generator: Mulberry32;

  constructor(seed: number) {
    this.generator = new Mulberry32(seed);
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.generator.next();
  }

  /** Integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('cannot pick from an empty list');
    return items[Math.floor(this.next() * items.length)]!;
  }

  /** An independent stream for one part of the run, so that adding ops never shifts the fault schedule. */
  fork(label: string): Rng {
    return new Rng(fnv1a(label, this.generator.state ^ 0x9e3779b9));
  }
}

/**
 * A generator keyed by the run's seed and the labels of what it decides (proxy, toxic, connection number, purpose):
 * each decision stream is independent of the others, so adding a toxic or a connection does not shift the
 * numbers that another toxic or connection sees.
 */
export function labelledRandom(seed: number, ...labels: (string | number)[]): Random {
  return seededRandom(avalanche(fnv1a(`${seed}\u0000${labels.join('\u0000')}`)));
}

/** FNV-1a over UTF-16 code units, from `offset` (FNV's own offset basis by default). */
function fnv1a(text: string, offset = 0x811c9dc5): number {
  let hash = offset;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return hash >>> 0;
}

/** A final mix so that similar labels give unrelated states. */
function avalanche(value: number): number {
  let hash = value;
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  return (hash ^ (hash >>> 16)) >>> 0;
}
