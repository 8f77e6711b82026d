import { defineScenario, latency } from '../harness/scenario.ts';

export default defineScenario({
  name: 'latency-spurious-retransmission-exactly-once',
  description: "n2's replies delayed 1 s: spurious retransmissions are filtered by (sender, seq) and run once.",
  nodes: { count: 2, semantics: 'exactly-once' },
  workload: { ops: 200, concurrency: 4 },
  faults: [{ fault: latency('n1->n2', { ms: 1000 }), at: { ops: 50 }, duration: 1200 }],
  expect: { 'exactly-once': 'holds' },
});
