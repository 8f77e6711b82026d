import { cutWire, defineScenario } from '../harness/scenario.ts';

export default defineScenario({
  name: 'cut-wire-exactly-once',
  description: 'The wire from n1 to n2 is cut twice for 300 ms: every append runs, and runs once.',
  nodes: { count: 2, semantics: 'exactly-once' },
  workload: { ops: 300, concurrency: 4 },
  faults: [
    { fault: cutWire('n1->n2'), at: { ops: 50 }, duration: 300 },
    { fault: cutWire('n1->n2'), at: { ops: 200 }, duration: 300 },
  ],
  expect: { 'exactly-once': 'holds' },
});
