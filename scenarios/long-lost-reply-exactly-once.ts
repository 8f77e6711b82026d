import { defineScenario, loseReplies } from '../harness/scenario.ts';

export default defineScenario({
  name: 'long-lost-reply-exactly-once',
  description:
    "n2's replies are lost for 3 s, three times the 1 s call deadline: the appends ran, their callers gave up (info), " +
    'and the retransmissions after healing are answered from the durable reply cache without running again.',
  nodes: { count: 2, semantics: 'exactly-once', config: { options: { deadlineMs: 1000 } } },
  workload: { ops: 200, concurrency: 4 },
  faults: [{ fault: loseReplies('n1->n2'), at: { ops: 50 }, duration: 3000 }],
  expect: { 'exactly-once': 'holds' },
});
