import { defineScenario, loseMessages } from '../harness/scenario.ts';

export default defineScenario({
  name: 'lost-message-at-most-once',
  description:
    'Every request n1 sends n2 is lost for 800 ms. Sent once and never again, those appends never run: ' +
    'nothing runs twice, but delivery is not guaranteed even after the network heals.',
  nodes: { count: 2, semantics: 'at-most-once', config: { options: { deadlineMs: 1000 } } },
  workload: { ops: 200, concurrency: 4 },
  faults: [{ fault: loseMessages('n1->n2'), at: { ops: 50 }, duration: 800 }],
  eventual: true,
  expect: { 'at-most-once': 'holds', 'at-least-once': 'violated' },
});
