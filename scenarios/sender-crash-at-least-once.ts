import { crash, defineScenario, loseMessages } from '../harness/scenario.ts';

export default defineScenario({
  name: 'sender-crash-at-least-once',
  description:
    "n1's requests are lost, then n1 is killed while it still owes retransmissions, and restarted. Its " +
    'unacknowledged requests lived in memory: they are never sent again, and never run.',
  nodes: { count: 2, semantics: 'at-least-once' },
  workload: { ops: 200, concurrency: 4 },
  faults: [
    { fault: loseMessages('n1->n2'), at: { ops: 50 }, duration: 1500 },
    { fault: crash('n1'), at: { ops: 50, afterMs: 800 }, duration: 100 },
  ],
  expect: { 'at-least-once': 'violated' },
});
