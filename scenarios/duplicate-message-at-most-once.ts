import { defineScenario, duplicateMessages } from '../harness/scenario.ts';

export default defineScenario({
  name: 'duplicate-message-at-most-once',
  description:
    'Every frame from n1 to n2 delivered twice for 300 ms: the at-most-once receiver filters nothing, so each copy runs. The setting sends once; it keeps at-most-once only on a network that never repeats a message.',
  nodes: { count: 2, semantics: 'at-most-once' },
  workload: { ops: 200, concurrency: 4 },
  faults: [{ fault: duplicateMessages('n1->n2'), at: { ops: 50 }, duration: 300 }],
  expect: { 'at-most-once': 'violated', 'at-least-once': 'holds' },
});
