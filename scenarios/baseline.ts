import { defineFamily } from '../harness/family.ts';

export default defineFamily({
  failure: 'baseline',
  nodes: { count: 2 },
  workload: { ops: 300, concurrency: 8 },
  members: {
    'at-most-once': {
      description: 'No faults, no retransmission: with nothing lost, sending once is enough and nothing is doubled.',
      eventual: true,
      expect: { 'at-most-once': 'holds', 'at-least-once': 'holds', 'exactly-once': 'holds' },
    },
    'exactly-once': {
      description: 'No faults: every append runs once and is acknowledged. The yardstick the other scenarios bend.',
      nodes: { count: 3 },
      expect: { 'at-most-once': 'holds', 'at-least-once': 'holds', 'exactly-once': 'holds', integrity: 'holds' },
    },
  },
});
