import { defineScenario } from '../harness/scenario.ts';

export default defineScenario({
  name: 'full-mailbox-at-most-once',
  description:
    "n2's mailbox holds 2 messages and its one receiver is slow: senders are pushed back (mailbox full) and, " +
    'sending at most once, report those messages failed. Back-pressure is never a silent drop: no message ' +
    'reported failed was delivered, and every acknowledged one was.',
  nodes: {
    count: 2,
    semantics: 'at-most-once',
    configOf: { n2: { mailboxCapacity: 2, options: { consumers: 1, workMs: 20 } } },
  },
  workload: { ops: 150, concurrency: 8, mix: { send: 1 } },
  eventual: false,
  expect: { 'at-most-once': 'holds', 'at-least-once': 'holds' },
});
