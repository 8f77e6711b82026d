import { defineFamily } from '../harness/family.ts';
import { loseReplies } from '../harness/scenario.ts';

export default defineFamily({
  failure: 'lost-ack-competing-receivers',
  nodes: { count: 2, config: { options: { consumers: 2, workMs: 2 } } },
  workload: { ops: 200, concurrency: 4, mix: { send: 1 } },
  faults: [{ fault: loseReplies('n1->n2'), at: { ops: 50 }, duration: 800 }],
  members: {
    'at-least-once': {
      description:
        'n1 sends 1-way messages to the mailbox of n2, where two receivers compete. Acks from n2 are lost for 800 ms: ' +
        'n1 retransmits, each copy is queued again and the other receiver may take it after the first copy was done. ' +
        'That is a duplicate (at-most-once violated), never one message held by two receivers.',
      expect: { 'exclusive-receive': 'holds', 'at-least-once': 'holds', 'at-most-once': 'violated' },
    },
    'exactly-once': {
      description:
        'n1 sends 1-way messages to the mailbox of n2, where two receivers compete. Acks from n2 are lost for 800 ms: ' +
        'the retransmitted copies are acked again but not queued twice, so each message is acted on once, by one receiver.',
      expect: { 'exactly-once': 'holds', 'exclusive-receive': 'holds' },
    },
  },
});
