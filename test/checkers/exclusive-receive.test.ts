import { describe, expect, it } from 'vitest';
import { checkExclusiveReceive } from '../../harness/checkers/exclusive-receive.ts';
import { HistoryBuilder } from './histories.ts';

/** A take whose receiver acted at `time` (by default only as its lease ran out: it held it all along). */
const take = (by: string, takenAt: number, leaseUntil: number, time = leaseUntil, copy?: string) => ({
  by,
  takenAt,
  leaseUntil,
  time,
  ...(copy !== undefined ? { copy } : {}),
});

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

  it('holds when a retransmitted copy is taken by another receiver after the first copy was acted on', () => {
    // Lost acks under at-least-once: copy 2 is queued again and consumer-1 takes it 130 ms after consumer-2 acted
    // on copy 1, well inside copy 1's lease. A duplicate (at-most-once's business), not a shared message.
    const h = new HistoryBuilder().op('m', 'ok', 0, 'send');
    h.execute('m', take('n2/consumer-2', 300, 5300, 302, 'x.1')).execute('m', take('n2/consumer-1', 432, 5432, 434, 'x.2'));
    expect(checkExclusiveReceive(h.input()).verdict).toBe('holds');
  });

  it('holds when a node that does not name its copies hands a second copy out after the first was acted on', () => {
    const h = new HistoryBuilder().op('m', 'ok', 0, 'send');
    h.execute('m', take('n2/consumer-2', 300, 5300, 302)).execute('m', take('n2/consumer-1', 432, 5432, 434));
    expect(checkExclusiveReceive(h.input()).verdict).toBe('holds');
  });

  it('holds when two copies of one op are held at once by two receivers: each copy has one holder', () => {
    const h = new HistoryBuilder().op('m', 'ok', 0, 'send');
    h.execute('m', take('n2/consumer-1', 10, 1010, 60, 'x.1')).execute('m', take('n2/consumer-2', 12, 1012, 62, 'x.2'));
    expect(checkExclusiveReceive(h.input()).verdict).toBe('holds');
  });

  it('finds one copy held by two receivers before either acted on it', () => {
    const h = new HistoryBuilder().op('m', 'ok', 0, 'send');
    h.execute('m', take('n2/consumer-1', 10, 1010, 15, 'x.1')).execute('m', take('n2/consumer-2', 10, 1010, 16, 'x.1'));
    const result = checkExclusiveReceive(h.input());
    expect(result.verdict).toBe('violated');
    expect(result.counterexamples[0]!.what).toMatch(/copy x\.1 on n2/);
  });

  it('holds when the same copy is taken again only after the first receiver acted late, past its lease', () => {
    const h = new HistoryBuilder().op('m', 'ok', 0, 'send');
    h.execute('m', take('n2/consumer-1', 10, 20, 35, 'x.1')).execute('m', take('n2/consumer-2', 20, 30, 22, 'x.1'));
    expect(checkExclusiveReceive(h.input()).verdict).toBe('holds');
  });

  it('keeps the copies of different nodes apart even when their names coincide', () => {
    const h = new HistoryBuilder().op('m', 'ok', 0, 'send');
    h.execute('m', { ...take('n2/consumer-1', 10, 1010, 60, 'x.1'), node: 'n2' });
    h.execute('m', { ...take('n3/consumer-1', 12, 1012, 62, 'x.1'), node: 'n3' });
    expect(checkExclusiveReceive(h.input()).verdict).toBe('holds');
  });

  it('is unknown with no consumer execution', () => {
    const h = new HistoryBuilder().op('a', 'ok').execute('a');
    const result = checkExclusiveReceive(h.input());
    expect(result.verdict).toBe('unknown');
    expect(result.reason).toMatch(/no consumer execution/);
  });
});
