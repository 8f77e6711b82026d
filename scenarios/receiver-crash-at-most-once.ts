import { crash, defineScenario, loseReplies } from '../harness/scenario.ts';

export default defineScenario({
  name: 'receiver-crash-at-most-once',
  description: 'n2 is killed (SIGKILL) and restarted while its replies are lost. Never sent twice, nothing runs twice.',
  nodes: { count: 2, semantics: 'at-most-once', config: { options: { deadlineMs: 1000 } } },
  workload: { ops: 200, concurrency: 4 },
  faults: [
    { fault: loseReplies('n1->n2'), at: { ops: 50 }, duration: 1500 },
    { fault: crash('n2'), at: { ops: 50, afterMs: 800 }, duration: 100 },
  ],
  expect: { 'at-most-once': 'holds' },
});
