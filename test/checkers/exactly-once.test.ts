import { describe, expect, it } from 'vitest';
import { checkExactlyOnce } from '../../harness/checkers/exactly-once.ts';
import { HistoryBuilder } from './histories.ts';

describe('exactly-once', () => {
  it('holds when every acknowledged op executed exactly once', () => {
    const h = new HistoryBuilder().op('a', 'ok').op('b', 'ok').execute('a').execute('b');
    const result = checkExactlyOnce(h.input());
    expect(result.verdict).toBe('holds');
    expect(result.reason).toMatch(/at-most-once: .*; at-least-once: /);
  });

  it('is violated by a duplicate', () => {
    const h = new HistoryBuilder().op('a', 'ok').execute('a').execute('a');
    const result = checkExactlyOnce(h.input());
    expect(result.verdict).toBe('violated');
    expect(result.reason).toMatch(/^at-most-once:/);
  });

  it('is violated by a lost acknowledged op', () => {
    const h = new HistoryBuilder().op('a', 'ok').op('b', 'ok').execute('a');
    const result = checkExactlyOnce(h.input());
    expect(result.verdict).toBe('violated');
    expect(result.counterexamples.map((example) => example.id)).toEqual(['b']);
  });

  it('collects both kinds of counterexample', () => {
    const h = new HistoryBuilder().op('a', 'ok').op('b', 'ok').execute('a').execute('a');
    expect(checkExactlyOnce(h.input()).counterexamples.map((example) => example.id).sort()).toEqual(['a', 'b']);
  });

  it('is unknown when either half cannot tell', () => {
    const h = new HistoryBuilder().op('a', 'info').execute('a');
    expect(checkExactlyOnce(h.input()).verdict).toBe('unknown');
  });
});
