import { InvalidArgumentError } from 'commander';

/** Seeds are 32-bit: the project's generator keeps 32 bits of state, so a larger seed would silently be cut. */
export const MAX_SEED = 2 ** 32 - 1;

/**
 * A parser for a whole-number flag in [min, max]. Only decimal digits are accepted: `Number()` would read '' as 0,
 * '1e3' as 1000 and '0x10' as 16, so a typo would run with a value nobody asked for.
 */
export function wholeNumber(flag: string, min: number, max: number): (value: string) => number {
  // Commander quotes the value in its message; this says what would have been accepted.
  return (value) => {
    const number = /^[0-9]+$/.test(value) ? Number(value) : Number.NaN;
    if (!Number.isSafeInteger(number) || number < min || number > max) {
      throw new InvalidArgumentError(`${flag} takes a whole number from ${min} to ${max}.`);
    }
    return number;
  };
}

export const parseSeed = wholeNumber('--seed', 0, MAX_SEED);

export interface Shard {
  /** 1-based, as vitest's and Playwright's --shard count. */
  index: number;
  count: number;
}

/** `i/n`: the i-th of n shards. */
export function parseShard(value: string): Shard {
  const match = /^([0-9]+)\/([0-9]+)$/.exec(value);
  const index = Number(match?.[1]);
  const count = Number(match?.[2]);
  if (!match || count < 1 || count > 1000 || index < 1 || index > count) {
    throw new InvalidArgumentError('--shard takes i/n, the i-th of n shards, with 1 <= i <= n <= 1000 (e.g. 2/3).');
  }
  return { index, count };
}
