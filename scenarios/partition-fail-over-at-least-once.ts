import { defineScenario, partition } from '../harness/scenario.ts';

export default defineScenario({
  name: 'partition-fail-over-at-least-once',
  description:
    'n2 is partitioned from n1 and n3 for 1 s. n1 finds n2 silent, rebinds through the name service to the ' +
    'replica n3 and retries there: every append runs somewhere.',
  nodes: { count: 3, semantics: 'at-least-once' },
  workload: { ops: 300, concurrency: 4 },
  faults: [{ fault: partition([['n1', 'n3'], ['n2']]), at: { ops: 50 }, duration: 1000 }],
  expect: { 'at-least-once': 'holds' },
});
