import { describe, expect, it } from 'vitest';
import { checkAtLeastOnce } from '../../harness/checkers/at-least-once.ts';
import type { CheckInput } from '../../harness/checkers/index.ts';
import type { FaultEvent, WireRecord } from '../../harness/history/op.ts';
import { HistoryBuilder } from './histories.ts';

describe('at-least-once', () => {
  it('holds when every acknowledged op executed, duplicates included', () => {
    const h = new HistoryBuilder().op('a', 'ok').op('b', 'ok').execute('a').execute('b').execute('b');
    expect(checkAtLeastOnce(h.input()).verdict).toBe('holds');
  });

  it('finds an acknowledged op that never executed', () => {
    const h = new HistoryBuilder().op('a', 'ok').op('b', 'ok').execute('a');
    const result = checkAtLeastOnce(h.input());
    expect(result.verdict).toBe('violated');
    expect(result.counterexamples).toEqual([
      { id: 'b', ops: [2, 3], times: [3, 4], what: 'b was acknowledged at 4.0 ms but never executed' },
    ]);
  });

  it('never counts an info op as failed, and does not require it without eventual delivery', () => {
    const h = new HistoryBuilder().op('a', 'ok').op('lost', 'info').execute('a');
    const result = checkAtLeastOnce(h.input(true, { eventual: false }));
    expect(result.verdict).toBe('holds');
    expect(result.stats!.indeterminateNotRequired).toBe(1);
    expect(result.stats!.acknowledgedLost).toBe(0);
  });

  it('requires an info op once faults healed when delivery is eventual', () => {
    const h = new HistoryBuilder().op('a', 'ok').op('lost', 'info').execute('a');
    const result = checkAtLeastOnce(h.input(true, { eventual: true }));
    expect(result.verdict).toBe('violated');
    expect(result.counterexamples.map((example) => example.id)).toEqual(['lost']);
    expect(result.counterexamples[0]!.what).toMatch(/healed/);
  });

  describe('an op in flight when its own node (the sender) crashed', () => {
    /** n1 runs the client; it is crashed between the invoke of `lost` and its info, and restarted. */
    function crashedSender(): { h: HistoryBuilder; input: (wire?: CheckInput['wire']) => CheckInput } {
      const h = new HistoryBuilder().op('a', 'ok').execute('a');
      const invoked = h.invoke('lost');
      const at = h.history[invoked]!.time;
      const faults: FaultEvent[] = [
        { index: 0, id: 'f0', type: 'start', fault: 'crash', target: { node: 'n1' }, time: at + 0.5 },
        { index: 1, id: 'f0', type: 'stop', fault: 'crash', target: { node: 'n1' }, time: at + 0.7 },
      ];
      h.complete(invoked, 'info', 'connection lost');
      return { h, input: (wire) => ({ ...h.input(true, { eventual: true }), faults, ...(wire ? { wire } : {}) }) };
    }
    const frame = (link: string, stream: 'upstream' | 'downstream', op: string): WireRecord => ({
      time: 3.2, link, stream, connection: 0, frame: 1, event: 'sent', bytes: 200, type: 'call', op,
    });

    it('is not required when the proxy saw no message of it leave that node: the sender may never have recorded it', () => {
      const { input } = crashedSender();
      const result = checkAtLeastOnce(input([frame('n1->n2', 'upstream', 'a'), frame('n2->n1', 'upstream', 'lost')]));
      expect(result.verdict).toBe('holds');
      expect(result.stats!.indeterminateNotRequired).toBe(1);
    });

    it('is required once a message of it left that node: the sender had it, and eventual delivery asks for it', () => {
      const { input } = crashedSender();
      const result = checkAtLeastOnce(input([frame('n1->n2', 'upstream', 'lost')]));
      expect(result.verdict).toBe('violated');
      expect(result.counterexamples.map((example) => example.id)).toEqual(['lost']);
    });

    it('is not required either when the sender lost power (a crash that also loses unsynced writes)', () => {
      const { input } = crashedSender();
      const powerLoss = input([]);
      powerLoss.faults = powerLoss.faults.map((event) => ({ ...event, fault: 'power-loss' }));
      expect(checkAtLeastOnce(powerLoss).verdict).toBe('holds');
    });

    it('is required without a wire record, and when another node crashed', () => {
      const { input } = crashedSender();
      expect(checkAtLeastOnce(input()).verdict).toBe('violated');
      const other = input([]);
      other.faults = other.faults.map((event) => ({ ...event, target: { node: 'n2' } }));
      expect(checkAtLeastOnce(other).verdict).toBe('violated');
    });
  });

  it('does not require an info op with eventual delivery while faults are still active', () => {
    const h = new HistoryBuilder().op('a', 'ok').op('lost', 'info').execute('a');
    expect(checkAtLeastOnce(h.input(false, { eventual: true })).verdict).toBe('holds');
  });

  it('treats an invoke that never completed as info', () => {
    const h = new HistoryBuilder().op('a', 'ok').execute('a');
    h.invoke('pending', 1);
    expect(checkAtLeastOnce(h.input(true, { eventual: false })).verdict).toBe('holds');
    expect(checkAtLeastOnce(h.input(true, { eventual: true })).counterexamples.map((c) => c.id)).toEqual(['pending']);
  });

  it('reports a failed op that executed anyway, as a separate finding', () => {
    const h = new HistoryBuilder().op('a', 'ok').execute('a');
    h.complete(h.invoke('b'), 'fail', 'timeout');
    h.execute('b');
    const result = checkAtLeastOnce(h.input());
    expect(result.verdict).toBe('violated');
    expect(result.stats!.failedButExecuted).toBe(1);
    expect(result.stats!.acknowledgedLost).toBe(0);
    expect(result.reason).toMatch(/1 failed op executed anyway/);
    expect(result.counterexamples[0]!.what).toMatch(/reported failed .*\(timeout\) yet executed 1 time/);
  });

  it('does not require a failed op that did not execute', () => {
    const h = new HistoryBuilder().op('a', 'ok').op('b', 'fail').execute('a');
    expect(checkAtLeastOnce(h.input()).verdict).toBe('holds');
  });

  it('ignores observing ops (read, receive): they deliver nothing', () => {
    const h = new HistoryBuilder().op('a', 'ok').op('seen', 'ok', 1, 'receive').execute('a');
    expect(checkAtLeastOnce(h.input()).verdict).toBe('holds');
  });

  it('is unknown with no acknowledged op', () => {
    const h = new HistoryBuilder().op('a', 'info').op('b', 'fail');
    const result = checkAtLeastOnce(h.input());
    expect(result.verdict).toBe('unknown');
    expect(result.reason).toMatch(/no op acknowledged/);
    expect(checkAtLeastOnce(new HistoryBuilder().input()).verdict).toBe('unknown');
  });
});
