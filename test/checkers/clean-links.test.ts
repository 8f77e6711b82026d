import { describe, expect, it } from 'vitest';
import { checkCleanLinks } from '../../harness/checkers/clean-links.ts';
import { checkRun } from '../../harness/checkers/index.ts';
import { frameRejectionsInLog, type FrameRejection } from '../../harness/history/frame-rejections.ts';
import type { FaultEvent } from '../../harness/history/op.ts';
import { HistoryBuilder } from './histories.ts';

const started = 1_800_000_000_000;
const toRunTime = (epochMs: number) => epochMs - started;

/** n2's log as a node writes it: a partial frame from n1 at 500 ms into the run, amid other events. */
const n2Log = [
  `{"ts":${started + 100},"node":"n2","event":"connect","direction":"in","remote":"127.0.0.1:4100","connection":1}`,
  `{"ts":${started + 500},"node":"n2","event":"drop","reason":"partial","peer":"n1","detail":"connection ended 12 bytes into a frame"}`,
  `{"ts":${started + 510},"node":"n2","event":"drop","reason":"mailbox-full","peer":"n1"}`,
  `{"ts":${started + 520},"node":"n2","event":"drop","reason":"corrupt","peer":"harness"}`,
  `{"ts":${started + 530},"node":"n2","ev`,
].join('\n');

function window(kind: string, target: Record<string, unknown>, start: number, stop: number): FaultEvent[] {
  return [
    { index: 0, id: `f-${kind}`, type: 'start', fault: kind, target, time: start },
    { index: 1, id: `f-${kind}`, type: 'stop', fault: kind, target, time: stop },
  ];
}

function input(faults: FaultEvent[], frameRejections: FrameRejection[] | undefined = frameRejectionsInLog(n2Log, toRunTime)) {
  return { ...new HistoryBuilder().op('a', 'ok').input(), faults, frameRejections };
}

describe('frame rejections in node logs', () => {
  it('keeps the frame-level drops on the run clock and skips other drops and torn lines', () => {
    expect(frameRejectionsInLog(n2Log, toRunTime)).toEqual([
      { node: 'n2', peer: 'n1', reason: 'partial', time: 500, detail: 'connection ended 12 bytes into a frame' },
      { node: 'n2', peer: 'harness', reason: 'corrupt', time: 520 },
    ]);
  });
});

describe('clean-links', () => {
  it('finds a frame rejected on a link no fault touched', () => {
    const result = checkCleanLinks(input([]));
    expect(result.verdict).toBe('violated');
    expect(result.counterexamples).toHaveLength(1);
    expect(result.counterexamples[0]!.what).toMatch(/n2 rejected a frame from n1 at 500\.0 ms \(partial/);
  });

  it('finds it under a fault that keeps frames whole, or a damaging fault on another link', () => {
    expect(checkCleanLinks(input(window('latency', { link: 'n1->n2', ms: 100 }, 0, 1000))).verdict).toBe('violated');
    expect(checkCleanLinks(input(window('corrupt-messages', { link: 'n1->n3' }, 0, 1000))).verdict).toBe('violated');
    expect(checkCleanLinks(input(window('crash', { node: 'n3' }, 400, 600))).verdict).toBe('violated');
  });

  it('finds it long before or after a damaging fault on the link', () => {
    expect(checkCleanLinks(input(window('cut-wire', { link: 'n1->n2' }, 5000, 6000))).verdict).toBe('violated');
    expect(checkCleanLinks({ ...input(window('cut-wire', { link: 'n1->n2' }, 0, 100)), frameRejections: [{ node: 'n2', peer: 'n1', reason: 'partial', time: 9000 }] }).verdict).toBe('violated');
  });

  it('excuses a rejection from a peer known only by its address under any damaging fault, and judges it on a clean run', () => {
    const anonymous = { node: 'n2', peer: '127.0.0.1:41234', reason: 'partial' as const, time: 500 };
    expect(checkCleanLinks({ ...input(window('crash', { node: 'n1' }, 400, 450)), frameRejections: [anonymous] }).verdict).toBe('holds');
    expect(checkCleanLinks({ ...input(window('latency', { link: 'n1->n2' }, 400, 450)), frameRejections: [anonymous] }).verdict).toBe('violated');
  });

  it('excuses a link whose connection a stall left out of step until the run ends', () => {
    const late = { node: 'n2', peer: 'n1', reason: 'oversize' as const, time: 60_000 };
    expect(checkCleanLinks({ ...input(window('stall-connections', { link: 'n1->n2' }, 0, 100)), frameRejections: [late] }).verdict).toBe('holds');
    expect(checkCleanLinks({ ...input(window('reset-connections', { link: 'n1->n2' }, 0, 100)), frameRejections: [late] }).verdict).toBe('violated');
  });

  it('excuses a rejection just before a damaging window\'s recorded start: the toxic acts before the proxy confirms it', () => {
    expect(checkCleanLinks(input(window('corrupt-messages', { link: 'n1->n2' }, 502, 800))).verdict).toBe('holds');
  });

  it('excuses rejections under a fault that may damage or cut frames on the link or crash either end', () => {
    for (const faults of [
      window('partial-messages', { link: 'n1->n2', bytes: 40 }, 400, 600),
      window('corrupt-messages', { link: 'n2->n1' }, 0, 450),
      window('cut-wire', { link: 'n1->n2' }, 100, 200),
      window('crash', { node: 'n1' }, 480, 490),
      window('partition', { groups: [['n1'], ['n2', 'n3']] }, 300, 400),
      window('custom-step', {}, 0, 1000),
    ]) {
      expect(checkCleanLinks(input(faults)).verdict, faults[0]!.fault).toBe('holds');
    }
  });

  it('does not judge the harness\'s own connections, and says unknown without node logs or traffic', () => {
    expect(checkCleanLinks(input([], frameRejectionsInLog(n2Log, toRunTime).filter((r) => r.peer === 'harness'))).verdict).toBe('holds');
    expect(checkCleanLinks({ ...input([]), frameRejections: undefined }).verdict).toBe('unknown');
    expect(checkCleanLinks({ ...new HistoryBuilder().input(), frameRejections: [] }).verdict).toBe('unknown');
  });

  it('is registered under its guarantee name', () => {
    expect(checkRun(input([]), ['clean-links'])[0]!.verdict).toBe('violated');
  });
});
