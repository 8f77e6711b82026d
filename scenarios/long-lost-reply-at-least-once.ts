import { defineScenario, loseReplies } from '../harness/scenario.ts';

export default defineScenario({
  name: 'long-lost-reply-at-least-once',
  description:
    "n2's replies are lost for 3 s, three times the 1 s call deadline. Every retransmission runs the append again, " +
    'before and after the callers gave up: at-least-once holds, at-most-once is violated.',
  nodes: { count: 2, semantics: 'at-least-once', config: { options: { deadlineMs: 1000 } } },
  workload: { ops: 200, concurrency: 4 },
  faults: [{ fault: loseReplies('n1->n2'), at: { ops: 50 }, duration: 3000 }],
  expect: { 'at-least-once': 'holds', 'at-most-once': 'violated' },
});
