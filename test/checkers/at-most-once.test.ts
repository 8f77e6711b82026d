import { describe, expect, it } from 'vitest';
import { checkAtMostOnce } from '../../harness/checkers/at-most-once.ts';
import { HistoryBuilder } from './histories.ts';

describe('at-most-once', () => {
  it('holds when every id executed once', () => {
    const h = new HistoryBuilder().op('a', 'ok').op('b', 'ok').execute('a').execute('b');
    const result = checkAtMostOnce(h.input());
    expect(result.verdict).toBe('holds');
    expect(result.counterexamples).toEqual([]);
  });

  it('finds a retransmission executed twice and says it was the same message', () => {
    const h = new HistoryBuilder().op('a', 'ok');
    h.execute('a', { key: { from: 'n1', seq: 7 } }).execute('a', { key: { from: 'n1', seq: 7 } });
    const result = checkAtMostOnce(h.input());
    expect(result.verdict).toBe('violated');
    expect(result.counterexamples).toHaveLength(1);
    const [example] = result.counterexamples;
    expect(example!.id).toBe('a');
    expect(example!.ops).toEqual([0, 1]);
    expect(example!.times).toHaveLength(2);
    expect(example!.what).toMatch(/executed 2 times/);
    expect(example!.what).toMatch(/same message/);
    expect(result.stats!.duplicatedBySameMessage).toBe(1);
  });

  it('tells a re-send under a new message id from a retransmission', () => {
    const h = new HistoryBuilder().op('a', 'info').execute('a').execute('a');
    const result = checkAtMostOnce(h.input());
    expect(result.verdict).toBe('violated');
    expect(result.counterexamples[0]!.what).toMatch(/under 2 message ids \(n1#1, n1#2\)/);
    expect(result.stats!.duplicatedByNewMessage).toBe(1);
  });

  it('is unknown when nothing executed', () => {
    const h = new HistoryBuilder().op('a', 'info');
    const result = checkAtMostOnce(h.input());
    expect(result.verdict).toBe('unknown');
    expect(result.reason).toMatch(/no execution/);
  });
});
