import type { Shard } from './flags.ts';

/**
 * The i-th of n shards: names in sorted order, every n-th from position i-1. Each name is in exactly one shard,
 * shard sizes differ by at most one, and the split depends only on the names, so parallel CI jobs agree on it.
 */
export function inShard<T extends { name: string }>(items: readonly T[], shard: Shard): T[] {
  const order = [...new Set(items.map((item) => item.name))].sort();
  const mine = new Set(order.filter((_, position) => position % shard.count === shard.index - 1));
  return items.filter((item) => mine.has(item.name));
}

export interface PlannedRun<T> {
  scenario: T;
  /** 1-based, of `repeat`. */
  repetition: number;
  /** Undefined: the run draws a fresh seed. */
  seed: number | undefined;
}

/**
 * Every scenario once per repetition, repetition by repetition. With a seed, repetition r runs seed + r - 1, so a
 * repeated run replays from its first seed and each run from its own printed seed; without, every run draws its own.
 */
export function planRuns<T>(scenarios: readonly T[], repeat: number, seed: number | undefined): PlannedRun<T>[] {
  const runs: PlannedRun<T>[] = [];
  for (let repetition = 1; repetition <= repeat; repetition++) {
    for (const scenario of scenarios) runs.push({ scenario, repetition, seed: seed === undefined ? undefined : seed + repetition - 1 });
  }
  return runs;
}
