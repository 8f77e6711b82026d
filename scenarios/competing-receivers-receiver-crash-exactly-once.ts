import { crash, defineScenario } from '../harness/scenario.ts';

export default defineScenario({
  name: 'competing-receivers-receiver-crash-exactly-once',
  description:
    'n1 sends 1-way messages to the mailbox of n2, where two receivers compete for them. n2 is killed mid-stream ' +
    'and restarted: acknowledged messages were journaled before the ack and are redelivered after the restart, ' +
    'an execution recorded together with its dedup entry is not repeated, and no message is held by both receivers.',
  nodes: { count: 2, semantics: 'exactly-once', config: { options: { consumers: 2, workMs: 2 } } },
  workload: { ops: 200, concurrency: 4, mix: { send: 1 } },
  faults: [{ fault: crash('n2'), at: { ops: 80 }, duration: 150 }],
  expect: { 'exactly-once': 'holds', 'exclusive-receive': 'holds' },
});
