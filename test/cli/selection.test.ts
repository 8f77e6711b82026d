import { InvalidArgumentError } from 'commander';
import { describe, expect, it } from 'vitest';
import { loadCatalogue } from '../../harness/catalogue.ts';
import { parseSeed, parseShard, wholeNumber } from '../../harness/cli/flags.ts';
import { inShard, planRuns } from '../../harness/cli/selection.ts';
import { closestNames } from '../../harness/suggest.ts';

describe('--shard', () => {
  it('puts every catalogue scenario in exactly one shard, for every shard count, with sizes within one', async () => {
    const catalogue = await loadCatalogue();
    const names = catalogue.map((scenario) => scenario.name).sort();
    for (let count = 1; count <= names.length + 1; count++) {
      const shards = Array.from({ length: count }, (_, i) => inShard(catalogue, { index: i + 1, count }).map((s) => s.name));
      expect(shards.flat().sort()).toEqual(names);
      const sizes = shards.map((shard) => shard.length);
      expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
    }
  });

  it('depends on the names only, not on their order', () => {
    const items = ['c', 'a', 'd', 'b', 'e'].map((name) => ({ name }));
    const reversed = [...items].reverse();
    for (let index = 1; index <= 2; index++) {
      const names = (list: { name: string }[]) => inShard(list, { index, count: 2 }).map((item) => item.name).sort();
      expect(names(items)).toEqual(names(reversed));
    }
    expect(inShard(items, { index: 1, count: 2 }).map((item) => item.name).sort()).toEqual(['a', 'c', 'e']);
  });

  it('parses i/n with 1 <= i <= n', () => {
    expect(parseShard('2/3')).toEqual({ index: 2, count: 3 });
    for (const bad of ['0/3', '4/3', '1/0', '1', '/3', '1/3/4', 'a/b', ' 1/3', '1.5/3']) {
      expect(() => parseShard(bad), bad).toThrow(InvalidArgumentError);
    }
  });
});

describe('--repeat', () => {
  it('runs every scenario once per repetition, with seed, seed+1, ... when a seed is given', () => {
    expect(planRuns(['a', 'b'], 2, 7)).toEqual([
      { scenario: 'a', repetition: 1, seed: 7 },
      { scenario: 'b', repetition: 1, seed: 7 },
      { scenario: 'a', repetition: 2, seed: 8 },
      { scenario: 'b', repetition: 2, seed: 8 },
    ]);
    expect(planRuns(['a'], 3, undefined).map((run) => run.seed)).toEqual([undefined, undefined, undefined]);
  });
});

describe('numeric flags', () => {
  it('accept decimal digits within range only', () => {
    expect(parseSeed('0')).toBe(0);
    expect(parseSeed('4294967295')).toBe(4294967295);
    for (const bad of ['', ' ', '4294967296', '1e20', '1e3', '0x10', '-1', '1.0', '+5', '12abc']) {
      expect(() => parseSeed(bad), JSON.stringify(bad)).toThrow(InvalidArgumentError);
    }
    const parallel = wholeNumber('--parallel', 1, 64);
    expect(parallel('64')).toBe(64);
    expect(() => parallel('65')).toThrow('--parallel takes a whole number from 1 to 64');
  });
});

describe('closest scenario names', () => {
  const known = ['lost-reply-exactly-once', 'lost-reply-at-least-once', 'baseline-exactly-once', 'cut-wire-at-most-once'];

  it('suggests a near typo, every name containing what was typed, and nothing for a name far from all', () => {
    expect(closestNames('lost-reply-exactly-onec', known)).toEqual(['lost-reply-exactly-once']);
    expect(closestNames('cut-wir-at-most-once', known)).toEqual(['cut-wire-at-most-once']);
    expect(closestNames('lost-reply', known)).toEqual(['lost-reply-exactly-once', 'lost-reply-at-least-once']);
    expect(closestNames('zzz', known)).toEqual([]);
  });
});
