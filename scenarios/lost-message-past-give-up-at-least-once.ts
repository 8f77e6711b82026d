import { defineScenario, loseMessages } from '../harness/scenario.ts';

export default defineScenario({
  name: 'lost-message-past-give-up-at-least-once',
  description:
    "Every request n1 sends n2 is lost for 3 s, three times the sender's 1 s give-up time: the appends invoked " +
    'meanwhile are given up on (info) and never run, so eventual delivery is violated, as the semantics say it is ' +
    'when a fault outlasts the give-up time.',
  nodes: { count: 2, semantics: 'at-least-once', config: { retransmit: { giveUpMs: 1000 }, options: { deadlineMs: 1000 } } },
  workload: { ops: 200, concurrency: 4 },
  faults: [{ fault: loseMessages('n1->n2'), at: { ops: 50 }, duration: 3000 }],
  expect: { 'at-least-once': 'violated' },
});
