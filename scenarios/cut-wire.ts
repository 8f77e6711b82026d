import { defineFamily } from '../harness/family.ts';
import { cutWire } from '../harness/scenario.ts';

const cutAt = (ops: number) => ({ fault: cutWire('n1->n2'), at: { ops }, duration: 300 });

export default defineFamily({
  failure: 'cut-wire',
  nodes: { count: 2 },
  workload: { ops: 200, concurrency: 4 },
  faults: [cutAt(50)],
  members: {
    'at-most-once': {
      description: 'The wire from n1 to n2 is cut for 300 ms, then healed. Sent at most once: nothing runs twice.',
      nodes: { config: { options: { deadlineMs: 1000 } } },
      expect: { 'at-most-once': 'holds' },
    },
    'at-least-once': {
      description: 'The wire from n1 to n2 is cut for 300 ms, then healed: retransmission carries every append across.',
      expect: { 'at-least-once': 'holds' },
    },
    'exactly-once': {
      description: 'The wire from n1 to n2 is cut twice for 300 ms: every append runs, and runs once.',
      workload: { ops: 300, concurrency: 4 },
      faults: [cutAt(50), cutAt(200)],
      expect: { 'exactly-once': 'holds' },
    },
  },
});
