import { defineScenario, loseReplies } from '../harness/scenario.ts';

export default defineScenario({
  name: 'lost-reply-at-least-once',
  description:
    "n2's replies to n1 are lost for 800 ms: n1 retransmits, and n2 acts on every copy. " +
    'Every append runs, some of them several times: "the request may be executed 0, 1, 2, or more times".',
  nodes: { count: 2, semantics: 'at-least-once' },
  workload: { ops: 200, concurrency: 4 },
  faults: [{ fault: loseReplies('n1->n2'), at: { ops: 50 }, duration: 800 }],
  expect: { 'at-least-once': 'holds', 'at-most-once': 'violated' },
});
