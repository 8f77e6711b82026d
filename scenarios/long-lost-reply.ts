import { defineFamily } from '../harness/family.ts';
import { loseReplies } from '../harness/scenario.ts';

export default defineFamily({
  failure: 'long-lost-reply',
  nodes: { count: 2, config: { options: { deadlineMs: 1000 } } },
  workload: { ops: 200, concurrency: 4 },
  faults: [{ fault: loseReplies('n1->n2'), at: { ops: 50 }, duration: 3000 }],
  members: {
    'at-least-once': {
      description:
        "n2's replies are lost for 3 s, three times the 1 s call deadline. Every retransmission runs the append again, " +
        'before and after the callers gave up: at-least-once holds, at-most-once is violated.',
      expect: { 'at-least-once': 'holds', 'at-most-once': 'violated' },
    },
    'exactly-once': {
      description:
        "n2's replies are lost for 3 s, three times the 1 s call deadline: the appends ran, their callers gave up (info), " +
        'and the retransmissions after healing are answered from the durable reply cache without running again.',
      expect: { 'exactly-once': 'holds' },
    },
  },
});
