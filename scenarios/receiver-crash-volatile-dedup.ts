import { crash, defineScenario, loseReplies } from '../harness/scenario.ts';

export default defineScenario({
  name: 'receiver-crash-volatile-dedup',
  description:
    'Bug zoo: "exactly-once" whose dedup table is not persisted. Replies lost, then the receiver n2 is killed ' +
    'and restarted: it forgot which requests it ran, and runs the retransmissions again.',
  nodes: { count: 2, semantics: 'exactly-once', bug: 'volatile-dedup' },
  workload: { ops: 200, concurrency: 4 },
  faults: [
    { fault: loseReplies('n1->n2'), at: { ops: 50 }, duration: 1500 },
    { fault: crash('n2'), at: { ops: 50, afterMs: 800 }, duration: 100 },
  ],
  expect: { 'at-most-once': 'violated', 'exactly-once': 'violated' },
});
