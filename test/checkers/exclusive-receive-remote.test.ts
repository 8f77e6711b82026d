import { describe, expect, it } from 'vitest';
import { checkAtLeastOnce } from '../../harness/checkers/at-least-once.ts';
import { checkAtMostOnce } from '../../harness/checkers/at-most-once.ts';
import { checkExclusiveReceive } from '../../harness/checkers/exclusive-receive.ts';
import type { FaultEvent, Op } from '../../harness/history/op.ts';
import { HistoryBuilder } from './histories.ts';

/** A remote receive op (on client node n1, from n2's inbox) that held message `got` over [takenAt, leaseUntil]. */
function remoteReceive(h: HistoryBuilder, id: string, got: string, takenAt: number, leaseUntil: number): void {
  const invoke = h.invoke(id, 1, 'receive');
  h.history[invoke]!.value = { id, mbox: 'inbox', from: 'n2' };
  h.complete(invoke, 'ok');
  const done = h.history[h.history.length - 1] as Op;
  done.value = { id, mbox: 'inbox', from: 'n2', got, key: { from: 'n1', seq: 1 }, receiver: 'n1@c7', takenAt, leaseUntil };
}

const consumerTake = (by: string, takenAt: number, leaseUntil: number) => ({ by, takenAt, leaseUntil, time: takenAt + 1 });

function faultWindow(id: string, target: Record<string, unknown>, start: number, stop: number): FaultEvent[] {
  return [
    { index: 0, id, type: 'start', fault: 'cut-wire', target, time: start },
    { index: 1, id, type: 'stop', fault: 'cut-wire', target, time: stop },
  ];
}

describe('exclusive-receive with remote receivers', () => {
  it('finds a consumer taking a message while a remote receiver holds it on a clean link', () => {
    const h = new HistoryBuilder().op('m', 'ok', 0, 'send');
    remoteReceive(h, 'r1', 'm', 10, 210);
    h.execute('m', consumerTake('n2/consumer-1', 50, 5050));
    const result = checkExclusiveReceive(h.input());
    expect(result.verdict).toBe('violated');
    expect(result.counterexamples[0]!.what).toMatch(/held by n1@c7 .* and by n2\/consumer-1/);
  });

  it('holds when the consumer gets the message after the remote lease expired', () => {
    const h = new HistoryBuilder().op('m', 'ok', 0, 'send');
    remoteReceive(h, 'r1', 'm', 10, 210);
    h.execute('m', consumerTake('n2/consumer-1', 210, 5210));
    const result = checkExclusiveReceive(h.input());
    expect(result.verdict).toBe('holds');
    expect(result.stats).toMatchObject({ remoteHolds: 1, consumerExecutions: 1 });
  });

  it('claims nothing of a remote hold that a fault on its link may have ended early (the connection broke)', () => {
    const h = new HistoryBuilder().op('m', 'ok', 0, 'send');
    remoteReceive(h, 'r1', 'm', 10, 210);
    h.execute('m', consumerTake('n2/consumer-1', 50, 5050));
    const input = { ...h.input(), faults: faultWindow('f0', { link: 'n1->n2' }, 30, 40) };
    const result = checkExclusiveReceive(input);
    expect(result.verdict).toBe('holds');
    expect(result.stats).toMatchObject({ remoteHolds: 0, remoteHoldsUnderFaults: 1 });
    // A fault elsewhere, or outside the hold, does not cast doubt on it.
    const elsewhere = { ...h.input(), faults: [...faultWindow('f0', { link: 'n3->n4' }, 30, 40), ...faultWindow('f1', { node: 'n2' }, 300, 400)] };
    expect(checkExclusiveReceive(elsewhere).verdict).toBe('violated');
  });

  it('a remote hold alone is enough evidence to say holds', () => {
    const h = new HistoryBuilder();
    remoteReceive(h, 'r1', 'm', 10, 210);
    expect(checkExclusiveReceive(h.input()).verdict).toBe('holds');
  });

  it('a receive is not an execution: the delivery checkers ignore it', () => {
    const h = new HistoryBuilder().op('m', 'ok', 0, 'send');
    remoteReceive(h, 'r1', 'm', 10, 210);
    h.execute('m', consumerTake('n2/consumer-1', 210, 5210));
    expect(checkAtMostOnce(h.input()).verdict).toBe('holds');
    expect(checkAtLeastOnce(h.input(true, { eventual: true })).verdict).toBe('holds');
  });
});

describe('exclusive-receive and the lease clock', () => {
  it('reads a redelivery stamped a millisecond before the lease end as the lease ending, not as two holders', () => {
    const h = new HistoryBuilder().op('m', 'ok', 0, 'send');
    remoteReceive(h, 'r1', 'm', 654, 854);
    h.execute('m', consumerTake('n2/consumer-1', 853, 5853));
    expect(checkExclusiveReceive(h.input()).verdict).toBe('holds');
  });
});
