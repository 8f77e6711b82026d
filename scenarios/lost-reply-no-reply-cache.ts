import { defineScenario, loseReplies } from '../harness/scenario.ts';

export default defineScenario({
  name: 'lost-reply-no-reply-cache',
  description:
    'Bug zoo: exactly-once whose server recognises a duplicate request but keeps no reply to send back, so it ' +
    "runs the procedure again. n2's replies are lost for 800 ms: every retransmission re-runs its append.",
  nodes: { count: 2, semantics: 'exactly-once', bug: 'no-reply-cache' },
  workload: { ops: 200, concurrency: 4 },
  faults: [{ fault: loseReplies('n1->n2'), at: { ops: 50 }, duration: 800 }],
  expect: { 'at-most-once': 'violated', 'exactly-once': 'violated' },
});
