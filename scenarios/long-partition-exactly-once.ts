import { defineScenario, partition } from '../harness/scenario.ts';

export default defineScenario({
  name: 'long-partition-exactly-once',
  description:
    'n1 and n2 are partitioned for 3 s, three times the 1 s call deadline. Calls in flight when the partition ' +
    'begins end as info at their deadline, but the sender keeps retransmitting them until they are acknowledged ' +
    '(or its give-up time), so each runs once after healing: eventual delivery holds, and the dedup table keeps ' +
    'every run single.',
  nodes: { count: 2, semantics: 'exactly-once', config: { options: { deadlineMs: 1000 } } },
  workload: { ops: 200, concurrency: 4 },
  faults: [{ fault: partition([['n1'], ['n2']]), at: { ops: 50 }, duration: 3000 }],
  expect: { 'at-most-once': 'holds', 'at-least-once': 'holds', 'exactly-once': 'holds' },
});
