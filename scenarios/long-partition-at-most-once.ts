import { defineScenario, partition } from '../harness/scenario.ts';

export default defineScenario({
  name: 'long-partition-at-most-once',
  description:
    'n1 and n2 are partitioned for 3 s, three times the 1 s call deadline. at-most-once sends each call once: the ' +
    'calls caught in flight are info and are not sent again, those refused during the partition fail. Nothing ' +
    'runs twice and every acknowledged append ran; eventual delivery is not promised.',
  nodes: { count: 2, semantics: 'at-most-once', config: { options: { deadlineMs: 1000 } } },
  workload: { ops: 200, concurrency: 4 },
  faults: [{ fault: partition([['n1'], ['n2']]), at: { ops: 50 }, duration: 3000 }],
  expect: { 'at-most-once': 'holds', 'at-least-once': 'holds' },
});
