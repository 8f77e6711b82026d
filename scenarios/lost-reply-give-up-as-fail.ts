import { defineScenario, loseReplies } from '../harness/scenario.ts';

export default defineScenario({
  name: 'lost-reply-give-up-as-fail',
  description:
    'Bug zoo: a sender that gives up retransmitting reports the call as failed instead of indeterminate. ' +
    "n2's replies are lost for longer than n1's 300 ms call deadline: appends that ran are reported failed.",
  nodes: { count: 2, semantics: 'at-least-once', bug: 'give-up-as-fail', config: { options: { deadlineMs: 300 } } },
  workload: { ops: 200, concurrency: 4 },
  faults: [{ fault: loseReplies('n1->n2'), at: { ops: 50 }, duration: 800 }],
  expect: { 'at-least-once': 'violated' },
});
