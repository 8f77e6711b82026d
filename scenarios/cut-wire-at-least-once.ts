import { cutWire, defineScenario } from '../harness/scenario.ts';

export default defineScenario({
  name: 'cut-wire-at-least-once',
  description: 'The wire from n1 to n2 is cut for 300 ms, then healed: retransmission carries every append across.',
  nodes: { count: 2, semantics: 'at-least-once' },
  workload: { ops: 200, concurrency: 4 },
  faults: [{ fault: cutWire('n1->n2'), at: { ops: 50 }, duration: 300 }],
  expect: { 'at-least-once': 'holds' },
});
