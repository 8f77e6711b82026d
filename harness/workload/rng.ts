import { Mulberry32 } from '../../nodes/random.ts';

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
    let hash = this.generator.state ^ 0x9e3779b9;
    for (const char of label) hash = Math.imul(hash ^ char.charCodeAt(0), 0x01000193) >>> 0;
    return new Rng(hash);
  }
}

export function randomSeed(): number {
  return Math.floor(Math.random() * 2 ** 31);
}
