import { defineScenario, loseMessages } from '../harness/scenario.ts';

export default defineScenario({
  name: 'lost-message-exactly-once',
  description: 'Requests from n1 to n2 lost for 300 ms: retransmitted until they arrive, filtered so each runs once.',
  nodes: { count: 2, semantics: 'exactly-once' },
  workload: { ops: 200, concurrency: 4 },
  faults: [{ fault: loseMessages('n1->n2'), at: { ops: 50 }, duration: 300 }],
  expect: { 'exactly-once': 'holds' },
});
