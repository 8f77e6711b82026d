import { defineFamily } from '../harness/family.ts';
import { crash, loseMessages } from '../harness/scenario.ts';

export default defineFamily({
  failure: 'sender-crash',
  nodes: { count: 2 },
  workload: { ops: 200, concurrency: 4 },
  faults: [
    { fault: loseMessages('n1->n2'), at: { ops: 50 }, duration: 1500 },
    { fault: crash('n1'), at: { ops: 50, afterMs: 800 }, duration: 100 },
  ],
  members: {
    'at-least-once': {
      description:
        "n1's requests are lost, then n1 is killed while it still owes retransmissions, and restarted. Its " +
        'unacknowledged requests lived in memory: they are never sent again, and never run.',
      expect: { 'at-least-once': 'violated' },
    },
    'exactly-once': {
      description:
        "n1's requests are lost, then n1 is killed and restarted. Its durable outbox still holds the unacknowledged " +
        'requests and its next sequence number: it resumes retransmitting, and every append runs once.',
      expect: { 'exactly-once': 'holds' },
    },
    'seq-restart': {
      description:
        'Bug zoo: the sender does not keep its sequence counter, which restarts at 0 after a crash. After n1 is ' +
        "killed and restarted, its new requests reuse old numbers: n2 takes them for duplicates and answers with " +
        'stale cached replies, so acknowledged appends never run.',
      nodes: { semantics: 'exactly-once', bug: 'seq-restart' },
      workload: { ops: 300, concurrency: 4 },
      faults: [{ fault: crash('n1'), at: { ops: 150 }, duration: 150 }],
      expect: { 'at-least-once': 'violated', 'exactly-once': 'violated' },
    },
  },
});
