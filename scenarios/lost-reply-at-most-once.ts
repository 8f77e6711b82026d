import { defineScenario, loseReplies } from '../harness/scenario.ts';

export default defineScenario({
  name: 'lost-reply-at-most-once',
  description:
    "n2's replies to n1 are lost for 300 ms. The appends ran; n1 cannot know it and reports them indeterminate " +
    '(info), never failed. Nothing is sent twice, so nothing runs twice.',
  nodes: { count: 2, semantics: 'at-most-once', config: { options: { deadlineMs: 1000 } } },
  workload: { ops: 200, concurrency: 4 },
  faults: [{ fault: loseReplies('n1->n2'), at: { ops: 50 }, duration: 300 }],
  expect: { 'at-most-once': 'holds' },
});
