import { defineFamily } from '../harness/family.ts';
import { partition } from '../harness/scenario.ts';

export default defineFamily({
  failure: 'long-partition',
  nodes: { count: 2, config: { options: { deadlineMs: 1000 } } },
  workload: { ops: 200, concurrency: 4 },
  faults: [{ fault: partition([['n1'], ['n2']]), at: { ops: 50 }, duration: 3000 }],
  members: {
    'at-most-once': {
      description:
        'n1 and n2 are partitioned for 3 s, three times the 1 s call deadline. at-most-once sends each call once: the ' +
        'calls caught in flight are info and are not sent again, those refused during the partition fail. Nothing ' +
        'runs twice and every acknowledged append ran; eventual delivery is not promised.',
      expect: { 'at-most-once': 'holds', 'at-least-once': 'holds' },
    },
    'at-least-once': {
      description:
        'n1 and n2 are partitioned for 3 s, three times the 1 s call deadline. The calls caught in flight end as info ' +
        'at their deadline, and the sender keeps retransmitting them until acknowledged: each runs after healing.',
      expect: { 'at-least-once': 'holds' },
    },
    'exactly-once-volatile': {
      description:
        'n1 and n2 are partitioned for 3 s, three times the 1 s call deadline. No node crashes, so the in-memory dedup ' +
        'table is enough: the calls caught in flight are retransmitted after healing and each runs exactly once.',
      expect: { 'exactly-once': 'holds' },
    },
    'exactly-once': {
      description:
        'n1 and n2 are partitioned for 3 s, three times the 1 s call deadline. Calls in flight when the partition ' +
        'begins end as info at their deadline, but the sender keeps retransmitting them until they are acknowledged ' +
        '(or its give-up time), so each runs once after healing: eventual delivery holds, and the dedup table keeps ' +
        'every run single.',
      expect: { 'at-most-once': 'holds', 'at-least-once': 'holds', 'exactly-once': 'holds' },
    },
    'competing-receivers-exactly-once': {
      description:
        'n1 sends 1-way messages to the mailbox of n2, where two receivers compete. The two are partitioned for 3 s, ' +
        'three times the 1 s send deadline: the sends caught in flight are info and retransmitted after healing, then ' +
        'acted on once, by one receiver.',
      nodes: { semantics: 'exactly-once', config: { options: { consumers: 2, workMs: 2, deadlineMs: 1000 } } },
      workload: { ops: 200, concurrency: 4, mix: { send: 1 } },
      expect: { 'exactly-once': 'holds', 'exclusive-receive': 'holds' },
    },
  },
});
