import { defineScenario } from '../harness/scenario.ts';

export default defineScenario({
  name: 'full-mailbox-at-least-once',
  description:
    "n2's mailbox holds 2 messages and its one receiver is slow: senders are pushed back and retransmit until " +
    'there is room, so every message is delivered in the end.',
  nodes: {
    count: 2,
    semantics: 'at-least-once',
    configOf: { n2: { mailboxCapacity: 2, options: { consumers: 1, workMs: 10 } } },
  },
  workload: { ops: 150, concurrency: 8, mix: { send: 1 } },
  expect: { 'at-least-once': 'holds' },
});
