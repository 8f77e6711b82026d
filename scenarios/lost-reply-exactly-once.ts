import { defineScenario, loseReplies } from '../harness/scenario.ts';

export default defineScenario({
  name: 'lost-reply-exactly-once',
  description: "n2's replies lost for 300 ms: retransmissions are recognised and answered from the durable reply cache.",
  nodes: { count: 2, semantics: 'exactly-once' },
  workload: { ops: 200, concurrency: 4 },
  faults: [{ fault: loseReplies('n1->n2'), at: { ops: 50 }, duration: 300 }],
  expect: { 'exactly-once': 'holds' },
});
