import { crash, defineScenario, loseReplies } from '../harness/scenario.ts';

export default defineScenario({
  name: 'receiver-crash-exactly-once-volatile',
  description:
    "n2's replies are lost, so n1 keeps retransmitting appends n2 already ran; then n2 is killed and restarted. " +
    'Its dedup table lived in memory: the retransmissions look new and run again. "But what if the receiver ' +
    'crashes and loses seq number info?"',
  nodes: { count: 2, semantics: 'exactly-once-volatile' },
  workload: { ops: 200, concurrency: 4 },
  faults: [
    { fault: loseReplies('n1->n2'), at: { ops: 50 }, duration: 1500 },
    { fault: crash('n2'), at: { ops: 50, afterMs: 800 }, duration: 100 },
  ],
  expect: { 'at-least-once': 'holds', 'at-most-once': 'violated' },
});
