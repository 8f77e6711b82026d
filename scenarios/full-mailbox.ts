import { defineFamily } from '../harness/family.ts';

const slowReceiver = (workMs: number) => ({ n2: { mailboxCapacity: 2, options: { consumers: 1, workMs } } });

export default defineFamily({
  failure: 'full-mailbox',
  nodes: { count: 2 },
  workload: { ops: 150, concurrency: 8, mix: { send: 1 } },
  members: {
    'at-most-once': {
      description:
        "n2's mailbox holds 2 messages and its one receiver is slow: senders are pushed back (mailbox full) and, " +
        'sending at most once, report those messages failed. Back-pressure is never a silent drop: no message ' +
        'reported failed was delivered, and every acknowledged one was.',
      nodes: { configOf: slowReceiver(20) },
      eventual: false,
      expect: { 'at-most-once': 'holds', 'at-least-once': 'holds' },
    },
    'at-least-once': {
      description:
        "n2's mailbox holds 2 messages and its one receiver is slow: senders are pushed back and retransmit until " +
        'there is room, so every message is delivered in the end.',
      nodes: { configOf: slowReceiver(10) },
      expect: { 'at-least-once': 'holds' },
    },
  },
});
