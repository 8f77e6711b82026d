import { defineScenario, loseReplies } from '../harness/scenario.ts';

export default defineScenario({
  name: 'lost-reply-fresh-id-per-retransmit',
  description:
    'Bug zoo: exactly-once whose sender gives every retransmission a new message id, so the receiver cannot ' +
    "tell it from a new request. n2's replies are lost for 800 ms: retransmitted appends run again.",
  nodes: { count: 2, semantics: 'exactly-once', bug: 'fresh-id-per-retransmit' },
  workload: { ops: 200, concurrency: 4 },
  faults: [{ fault: loseReplies('n1->n2'), at: { ops: 50 }, duration: 800 }],
  expect: { 'at-most-once': 'violated', 'exactly-once': 'violated' },
});
