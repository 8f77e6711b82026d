import { defineScenario } from '../harness/scenario.ts';

export default defineScenario({
  name: 'baseline-exactly-once',
  description: 'No faults: every append runs once and is acknowledged. The yardstick the other scenarios bend.',
  nodes: { count: 3, semantics: 'exactly-once' },
  workload: { ops: 300, concurrency: 8 },
  expect: { 'at-most-once': 'holds', 'at-least-once': 'holds', 'exactly-once': 'holds', integrity: 'holds' },
});
