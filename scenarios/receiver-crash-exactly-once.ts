import { crash, defineScenario, loseReplies } from '../harness/scenario.ts';

export default defineScenario({
  name: 'receiver-crash-exactly-once',
  description:
    "n2's replies are lost, then n2 is killed and restarted. Its dedup table, reply cache and effects were made " +
    'durable in one record, so the retransmissions are recognised after the restart: each append runs once.',
  nodes: { count: 2, semantics: 'exactly-once' },
  workload: { ops: 200, concurrency: 4 },
  faults: [
    { fault: loseReplies('n1->n2'), at: { ops: 50 }, duration: 1500 },
    { fault: crash('n2'), at: { ops: 50, afterMs: 800 }, duration: 100 },
  ],
  expect: { 'exactly-once': 'holds' },
});
