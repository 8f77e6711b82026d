import { describe, expect, it } from 'vitest';
import type { FaultEvent } from '../../harness/history/index.ts';
import { describeTarget, faultWindows, isLinkFault, nodeControl } from '../../harness/report/fault-windows.ts';

const events = (...list: Omit<FaultEvent, 'index'>[]): FaultEvent[] => list.map((event, index) => ({ index, ...event }));

describe('fault windows and node control on the timeline', () => {
  it('draws a pause as a paused window between pause and resume', () => {
    const faults = events(
      { id: 'f0', type: 'start', fault: 'pause', target: { node: 'n2' }, time: 100 },
      { id: 'f0', type: 'stop', fault: 'pause', target: { node: 'n2' }, time: 400 },
    );
    const { marks, down } = nodeControl(faults, 1000);
    expect(marks.map((m) => [m.kind, m.time])).toEqual([
      ['pause', 100],
      ['resume', 400],
    ]);
    expect(down).toEqual([{ node: 'n2', start: 100, end: 400, kind: 'paused' }]);
    expect(faultWindows(faults, 1000).filter(isLinkFault)).toEqual([]);
  });

  it('draws a power loss as a crash: the node is down from the cut to its restart', () => {
    const faults = events(
      { id: 'f0', type: 'start', fault: 'power-loss', target: { node: 'n2' }, time: 100 },
      { id: 'f0', type: 'stop', fault: 'power-loss', target: { node: 'n2' }, time: 300 },
    );
    const { marks, down } = nodeControl(faults, 1000);
    expect(marks.map((m) => [m.kind, m.time])).toEqual([
      ['crash', 100],
      ['restart', 300],
    ]);
    expect(down).toEqual([{ node: 'n2', start: 100, end: 300, kind: 'crashed' }]);
    expect(faultWindows(faults, 1000).filter(isLinkFault)).toEqual([]);
  });

  it('takes the restart from a separate restart fault when the run records one', () => {
    const faults = events(
      { id: 'f0', type: 'start', fault: 'crash', target: { node: 'n1' }, time: 200 },
      { id: 'f0', type: 'stop', fault: 'crash', target: { node: 'n1' }, time: 201 },
      { id: 'f1', type: 'start', fault: 'restart', target: { node: 'n1' }, time: 700 },
      { id: 'f1', type: 'stop', fault: 'restart', target: { node: 'n1' }, time: 701 },
    );
    const { marks, down } = nodeControl(faults, 1000);
    expect(marks.map((m) => [m.kind, m.time])).toEqual([
      ['crash', 200],
      ['restart', 700],
    ]);
    expect(down).toEqual([{ node: 'n1', start: 200, end: 700, kind: 'crashed' }]);
  });

  it('keeps a node down to the end of the run, and a fault active, when never healed', () => {
    const faults = events(
      { id: 'f0', type: 'start', fault: 'crash', target: { node: 'n3' }, time: 300 },
      { id: 'f1', type: 'start', fault: 'cut-wire', target: { link: 'n1->n2' }, time: 350 },
    );
    expect(nodeControl(faults, 900).down).toEqual([{ node: 'n3', start: 300, end: 900, kind: 'crashed' }]);
    expect(faultWindows(faults, 900).find((w) => w.id === 'f1')).toMatchObject({ start: 350, end: 900, healed: false });
  });

  it('names targets the way people say them', () => {
    expect(describeTarget({ link: 'n1->n2', probability: 0.5 })).toBe('n1->n2 probability=0.5');
    expect(describeTarget({ groups: [['n1', 'n3'], ['n2']] })).toBe('{n1,n3} | {n2}');
    expect(describeTarget({ node: 'n2' })).toBe('n2');
  });
});
