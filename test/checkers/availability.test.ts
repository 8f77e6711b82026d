import { describe, expect, it } from 'vitest';
import { checkAvailability } from '../../harness/checkers/availability.ts';
import type { Op } from '../../harness/history/op.ts';
import { HistoryBuilder } from './histories.ts';

describe('availability', () => {
  it('counts outcomes, an unfinished invoke as info, and measures ok latency', () => {
    const history: Op[] = [];
    const push = (type: Op['type'], id: string, time: number, process = 0) =>
      history.push({ index: history.length, process, type, f: 'append', value: { id }, node: 'n1', time });
    // 100 ok ops with latencies 1..100 ms, one fail, one info, one never completed.
    for (let i = 1; i <= 100; i += 1) {
      push('invoke', `op-${i}`, i * 1000);
      push('ok', `op-${i}`, i * 1000 + i);
    }
    push('invoke', 'f', 200_000);
    push('fail', 'f', 200_001);
    push('invoke', 'i', 200_002);
    push('info', 'i', 200_003);
    push('invoke', 'open', 201_000);
    // 100 ok over the 200 s from the first invoke (1 s) to the last event (201 s).
    const result = checkAvailability({ history, executions: [], faults: [], healed: true });
    expect(result.verdict).toBe('holds');
    expect(result.stats).toMatchObject({ ops: 103, ok: 100, fail: 1, info: 2, latencyP50: 50, latencyP90: 90, latencyP99: 99, latencyMax: 100 });
    expect(result.stats!.throughputOkPerSecond).toBeCloseTo(100 / 200, 3);
  });

  it('is unknown with no op at all', () => {
    expect(checkAvailability(new HistoryBuilder().input()).verdict).toBe('unknown');
  });
});
