// A small seeded generator so that jitter (and everything else random on a node) replays from `options.seed`.

import { seededRandom, type Random } from '../random.ts';

export { seededRandom, type Random };

/** The node's generator: seeded from `options.seed` (mixed with the node id so nodes differ) or from the clock. */
export function randomForNode(nodeId: string, seed: unknown): Random {
  if (typeof seed !== 'number' || !Number.isFinite(seed)) return Math.random;
  let mixed = seed >>> 0;
  for (const char of nodeId) mixed = Math.imul(mixed ^ char.charCodeAt(0), 0x01000193) >>> 0;
  return seededRandom(mixed);
}
