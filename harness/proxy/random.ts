import { randomInt } from 'node:crypto';
import { seededRandom as seededBy, type Random } from '../../nodes/random.ts';

/** Every random decision the proxy makes goes through a Random, so a seeded run replays. */
export type { Random };

export function randomSeed(): number {
  return randomInt(0, 2 ** 32);
}

/**
 * A generator keyed by the run's seed and the labels of what it decides (proxy, toxic, connection number, purpose):
 * each decision stream is independent of the others, so adding a toxic or a connection does not shift the
 * numbers that another toxic or connection sees.
 */
export function seededRandom(seed: number, ...labels: (string | number)[]): Random {
  return seededBy(hashLabels(`${seed}\u0000${labels.join('\u0000')}`));
}

/** FNV-1a over UTF-16 code units, then a final avalanche so that similar labels give unrelated states. */
function hashLabels(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  return (hash ^ (hash >>> 16)) >>> 0;
}
