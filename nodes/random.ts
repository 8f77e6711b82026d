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

/** A 32-bit seed mixed with a text (FNV-1a steps), so that one run seed gives every named thing its own stream. */
export function mixSeed(seed: number, text: string): number {
  let mixed = seed >>> 0;
  for (const char of text) mixed = Math.imul(mixed ^ char.charCodeAt(0), 0x01000193) >>> 0;
  return mixed;
}

/** A node's generator: seeded from `options.seed` (mixed with the node id so nodes differ), else its environment's. */
export function randomForNode(nodeId: string, seed: unknown, env: { unseededRandom(): Random }): Random {
  if (typeof seed !== 'number' || !Number.isFinite(seed)) return env.unseededRandom();
  return seededRandom(mixSeed(seed, nodeId));
}
