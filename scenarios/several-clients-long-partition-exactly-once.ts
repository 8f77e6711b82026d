import { defineScenario, partition } from '../harness/scenario.ts';

export default defineScenario({
  name: 'several-clients-long-partition-exactly-once',
  description:
    'Two clients, n1 and n2, append to the log on n3. n1 is cut off for 3 s, three times the 1 s call deadline, ' +
    'while n2 goes on: each sender keeps its own outbox and sequence numbers, and every append runs exactly once.',
  nodes: {
    count: 3,
    semantics: 'exactly-once',
    programs: { n1: ['client'], n2: ['client'], n3: ['log', 'consumer'] },
    config: { options: { deadlineMs: 1000 } },
  },
  workload: { ops: 300, concurrency: 6 },
  faults: [{ fault: partition([['n1'], ['n2', 'n3']]), at: { ops: 60 }, duration: 3000 }],
  expect: { 'exactly-once': 'holds' },
});
