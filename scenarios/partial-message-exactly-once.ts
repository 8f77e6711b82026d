import { defineScenario, partialMessages } from '../harness/scenario.ts';

export default defineScenario({
  name: 'partial-message-exactly-once',
  description:
    "For 300 ms every connection from n1 to n2 is cut after 200 bytes, mid-message. A node never acts on part of " +
    'a message: what arrives whole runs once, what was cut is retransmitted.',
  nodes: { count: 2, semantics: 'exactly-once' },
  workload: { ops: 200, concurrency: 4 },
  faults: [{ fault: partialMessages('n1->n2', { bytes: 200 }), at: { ops: 50 }, duration: 300 }],
  expect: { integrity: 'holds', 'exactly-once': 'holds' },
});
