import { describe, expect, it } from 'vitest';
import { checkExclusiveReceive } from '../../harness/checkers/exclusive-receive.ts';
import { HistoryBuilder } from './histories.ts';

const take = (by: string, takenAt: number, leaseUntil: number) => ({ by, takenAt, leaseUntil, time: takenAt + 1 });

describe('exclusive-receive', () => {
  it('holds when a message is redelivered to another receiver only after the lease expired', () => {
    const h = new HistoryBuilder().op('m', 'ok', 0, 'send');
    h.execute('m', take('n2/c1', 10, 20)).execute('m', take('n3/c2', 20, 30));
    const result = checkExclusiveReceive(h.input());
    expect(result.verdict).toBe('holds');
  });

  it('allows one receiver to hold a message twice', () => {
    const h = new HistoryBuilder().op('m', 'ok', 0, 'send');
    h.execute('m', take('n2/c1', 10, 20)).execute('m', take('n2/c1', 15, 25));
    expect(checkExclusiveReceive(h.input()).verdict).toBe('holds');
  });

  it('finds two receivers holding a message at once', () => {
    const h = new HistoryBuilder().op('m', 'ok', 0, 'send').op('other', 'ok', 0, 'send');
    h.execute('m', take('n2/c1', 10, 20)).execute('other', take('n3/c2', 11, 12)).execute('m', take('n3/c2', 15, 40));
    const result = checkExclusiveReceive(h.input());
    expect(result.verdict).toBe('violated');
    expect(result.counterexamples).toHaveLength(1);
    const [example] = result.counterexamples;
    expect(example!.id).toBe('m');
    expect(example!.ops).toEqual([0, 1]);
    expect(example!.times).toEqual([10, 15, 20]);
    expect(example!.what).toMatch(/held by n2\/c1 .* and by n3\/c2 .* at the same time/);
  });

  it('finds an overlap hidden behind a longer hold of the same receiver', () => {
    // c1 holds [0, 100] then [5, 10]; c2 at [50, 60] overlaps c1's first hold, not its latest one.
    const h = new HistoryBuilder().op('m', 'ok', 0, 'send');
    h.execute('m', take('c1', 0, 100)).execute('m', take('c1', 5, 10)).execute('m', take('c2', 50, 60));
    expect(checkExclusiveReceive(h.input()).verdict).toBe('violated');
  });

  it('finds an overlap among three receivers where the latest-ending hold is the same receiver', () => {
    const h = new HistoryBuilder().op('m', 'ok', 0, 'send');
    h.execute('m', take('c2', 0, 30)).execute('m', take('c1', 1, 100)).execute('m', take('c1', 20, 25));
    // c1's second hold starts at 20 while c2 still holds until 30.
    expect(checkExclusiveReceive(h.input()).verdict).toBe('violated');
  });

  it('is unknown with no consumer execution', () => {
    const h = new HistoryBuilder().op('a', 'ok').execute('a');
    const result = checkExclusiveReceive(h.input());
    expect(result.verdict).toBe('unknown');
    expect(result.reason).toMatch(/no consumer execution/);
  });
});
