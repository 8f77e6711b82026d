import { cutWire, defineScenario } from '../harness/scenario.ts';

export default defineScenario({
  name: 'cut-wire-at-most-once',
  description: 'The wire from n1 to n2 is cut for 300 ms, then healed. Sent at most once: nothing runs twice.',
  nodes: { count: 2, semantics: 'at-most-once', config: { options: { deadlineMs: 1000 } } },
  workload: { ops: 200, concurrency: 4 },
  faults: [{ fault: cutWire('n1->n2'), at: { ops: 50 }, duration: 300 }],
  expect: { 'at-most-once': 'holds' },
});
