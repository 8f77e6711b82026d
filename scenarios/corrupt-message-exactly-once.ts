import { corruptMessages, defineScenario } from '../harness/scenario.ts';

export default defineScenario({
  name: 'corrupt-message-exactly-once',
  description:
    'For 300 ms, bits flip in the requests n1 sends n2. The checksum catches every one: the node drops it ' +
    'as if lost, and retransmission delivers an intact copy.',
  nodes: { count: 2, semantics: 'exactly-once' },
  workload: { ops: 200, concurrency: 4 },
  faults: [{ fault: corruptMessages('n1->n2'), at: { ops: 50 }, duration: 300 }],
  needs: ['frame-toxics'],
  expect: { integrity: 'holds', 'exactly-once': 'holds' },
});
