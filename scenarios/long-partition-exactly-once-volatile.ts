import { defineScenario, partition } from '../harness/scenario.ts';

export default defineScenario({
  name: 'long-partition-exactly-once-volatile',
  description:
    'n1 and n2 are partitioned for 3 s, three times the 1 s call deadline. No node crashes, so the in-memory dedup ' +
    'table is enough: the calls caught in flight are retransmitted after healing and each runs exactly once.',
  nodes: { count: 2, semantics: 'exactly-once-volatile', config: { options: { deadlineMs: 1000 } } },
  workload: { ops: 200, concurrency: 4 },
  faults: [{ fault: partition([['n1'], ['n2']]), at: { ops: 50 }, duration: 3000 }],
  expect: { 'exactly-once': 'holds' },
});
