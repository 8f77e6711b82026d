import { defineScenario, loseMessages } from '../harness/scenario.ts';

export default defineScenario({
  name: 'lost-message-at-least-once',
  description:
    'Every request n1 sends n2 is lost for 300 ms. The retransmission timer sends each again until the ' +
    'acknowledgement comes back, so every append runs once the network heals.',
  nodes: { count: 2, semantics: 'at-least-once' },
  workload: { ops: 200, concurrency: 4 },
  faults: [{ fault: loseMessages('n1->n2'), at: { ops: 50 }, duration: 300 }],
  expect: { 'at-least-once': 'holds' },
});
