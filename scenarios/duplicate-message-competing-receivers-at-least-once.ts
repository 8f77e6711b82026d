import { defineScenario, duplicateMessages } from '../harness/scenario.ts';

export default defineScenario({
  name: 'duplicate-message-competing-receivers-at-least-once',
  description:
    'The network delivers every message n1 sends n2 twice for 500 ms, and two receivers compete on n2. Both copies ' +
    'are queued (at-least-once does not filter) and may be taken by both receivers at once: each copy has one ' +
    'holder, so exclusive receive holds while at-most-once is violated.',
  nodes: { count: 2, semantics: 'at-least-once', config: { options: { consumers: 2, workMs: 2 } } },
  workload: { ops: 200, concurrency: 4, mix: { send: 1 } },
  faults: [{ fault: duplicateMessages('n1->n2'), at: { ops: 50 }, duration: 500 }],
  expect: { 'exclusive-receive': 'holds', 'at-least-once': 'holds', 'at-most-once': 'violated' },
  needs: ['frame-toxics'],
});
