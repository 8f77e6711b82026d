import { defineScenario, loseReplies } from '../harness/scenario.ts';

export default defineScenario({
  name: 'lost-ack-competing-receivers-exactly-once',
  description:
    'n1 sends 1-way messages to the mailbox of n2, where two receivers compete. Acks from n2 are lost for 800 ms: ' +
    'the retransmitted copies are acked again but not queued twice, so each message is acted on once, by one receiver.',
  nodes: { count: 2, semantics: 'exactly-once', config: { options: { consumers: 2, workMs: 2 } } },
  workload: { ops: 200, concurrency: 4, mix: { send: 1 } },
  faults: [{ fault: loseReplies('n1->n2'), at: { ops: 50 }, duration: 800 }],
  expect: { 'exactly-once': 'holds', 'exclusive-receive': 'holds' },
});
