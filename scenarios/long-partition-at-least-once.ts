import { defineScenario, partition } from '../harness/scenario.ts';

export default defineScenario({
  name: 'long-partition-at-least-once',
  description:
    'n1 and n2 are partitioned for 3 s, three times the 1 s call deadline. The calls caught in flight end as info ' +
    'at their deadline, and the sender keeps retransmitting them until acknowledged: each runs after healing.',
  nodes: { count: 2, semantics: 'at-least-once', config: { options: { deadlineMs: 1000 } } },
  workload: { ops: 200, concurrency: 4 },
  faults: [{ fault: partition([['n1'], ['n2']]), at: { ops: 50 }, duration: 3000 }],
  expect: { 'at-least-once': 'holds' },
});
