import { describe, expect, it } from 'vitest';
import { parseDuration } from '../../harness/cli/commands/explore.ts';

describe('explore --time', () => {
  it('reads ms, s, m and h, and refuses anything else with one message', () => {
    expect(parseDuration('1500')).toBe(1500);
    expect(parseDuration('90s')).toBe(90_000);
    expect(parseDuration('5m')).toBe(300_000);
    expect(parseDuration('1h')).toBe(3_600_000);
    for (const bad of ['', '5 m', '1.5m', '-1s', '5d', 'm']) expect(() => parseDuration(bad), bad).toThrow(/--time takes a duration/);
  });
});
