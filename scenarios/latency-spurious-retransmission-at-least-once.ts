import { defineScenario, latency } from '../harness/scenario.ts';

export default defineScenario({
  name: 'latency-spurious-retransmission-at-least-once',
  description:
    "n2's replies are delayed 1 s, longer than n1's retransmission timer ever waits (500 ms at most): n1 retransmits requests that " +
    'were never lost, and n2 runs them again. Nothing was lost, yet appends run twice.',
  nodes: { count: 2, semantics: 'at-least-once' },
  workload: { ops: 200, concurrency: 4 },
  faults: [{ fault: latency('n1->n2', { ms: 1000 }), at: { ops: 50 }, duration: 1200 }],
  expect: { 'at-least-once': 'holds', 'at-most-once': 'violated' },
});
