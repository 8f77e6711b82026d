import { defineScenario, loseReplies } from '../harness/scenario.ts';

export default defineScenario({
  name: 'lost-reply-exactly-once-volatile',
  description:
    "n2's replies lost for 300 ms: n1 retransmits, n2 recognises each (sender, seq) and replays the cached reply. " +
    'While nobody crashes, a table in memory is enough.',
  nodes: { count: 2, semantics: 'exactly-once-volatile' },
  workload: { ops: 200, concurrency: 4 },
  faults: [{ fault: loseReplies('n1->n2'), at: { ops: 50 }, duration: 300 }],
  expect: { 'exactly-once': 'holds' },
});
