import { defineScenario } from '../harness/scenario.ts';

export default defineScenario({
  name: 'baseline-at-most-once',
  description: 'No faults, no retransmission: with nothing lost, sending once is enough and nothing is doubled.',
  nodes: { count: 2, semantics: 'at-most-once' },
  workload: { ops: 300, concurrency: 8 },
  eventual: true,
  expect: { 'at-most-once': 'holds', 'at-least-once': 'holds', 'exactly-once': 'holds' },
});
