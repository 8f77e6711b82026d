import { defineScenario, duplicateMessages } from '../harness/scenario.ts';

export default defineScenario({
  name: 'duplicate-message-exactly-once',
  description: 'Every frame from n1 to n2 delivered twice for 300 ms: the copies are recognised by (sender, seq) and run once.',
  nodes: { count: 2, semantics: 'exactly-once' },
  workload: { ops: 200, concurrency: 4 },
  faults: [{ fault: duplicateMessages('n1->n2'), at: { ops: 50 }, duration: 300 }],
  expect: { 'exactly-once': 'holds' },
});
