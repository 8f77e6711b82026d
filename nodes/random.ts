/**
 * The one seeded generator of the project (mulberry32: 32-bit state, fast, good enough spread for timers, workloads
 * and fault decisions; not for cryptography). Everything random that must replay from a printed seed draws from it.
 */
export type Random = () => number;

export class Mulberry32 {
  constructor(public state: number) {
    this.state = state >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
}

export function seededRandom(seed: number): Random {
  const generator = new Mulberry32(seed);
  return () => generator.next();
}
