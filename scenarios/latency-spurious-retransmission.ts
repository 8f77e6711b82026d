import { defineFamily } from '../harness/family.ts';
import { latency } from '../harness/scenario.ts';

export default defineFamily({
  failure: 'latency-spurious-retransmission',
  nodes: { count: 2 },
  workload: { ops: 200, concurrency: 4 },
  faults: [{ fault: latency('n1->n2', { ms: 1000 }), at: { ops: 50 }, duration: 1200 }],
  members: {
    'at-least-once': {
      description:
        "n2's replies are delayed 1 s, longer than n1's retransmission timer ever waits (500 ms at most): n1 retransmits requests that " +
        'were never lost, and n2 runs them again. Nothing was lost, yet appends run twice.',
      expect: { 'at-least-once': 'holds', 'at-most-once': 'violated' },
    },
    'exactly-once': {
      description: "n2's replies delayed 1 s: spurious retransmissions are filtered by (sender, seq) and run once.",
      expect: { 'exactly-once': 'holds' },
    },
  },
});
