// A small seeded generator so that jitter (and everything else random on a node) replays from `options.seed`.
// mulberry32: 32-bit state, good enough spread for timers; not for cryptography.

export type Random = () => number;

export function seededRandom(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The node's generator: seeded from `options.seed` (mixed with the node id so nodes differ) or from the clock. */
export function randomForNode(nodeId: string, seed: unknown): Random {
  if (typeof seed !== 'number' || !Number.isFinite(seed)) return Math.random;
  let mixed = seed >>> 0;
  for (const char of nodeId) mixed = Math.imul(mixed ^ char.charCodeAt(0), 0x01000193) >>> 0;
  return seededRandom(mixed);
}
