import { defineFamily } from '../harness/family.ts';
import { crash, loseReplies } from '../harness/scenario.ts';

export default defineFamily({
  failure: 'receiver-crash',
  nodes: { count: 2 },
  workload: { ops: 200, concurrency: 4 },
  faults: [
    { fault: loseReplies('n1->n2'), at: { ops: 50 }, duration: 1500 },
    { fault: crash('n2'), at: { ops: 50, afterMs: 800 }, duration: 100 },
  ],
  members: {
    'at-most-once': {
      description: 'n2 is killed (SIGKILL) and restarted while its replies are lost. Never sent twice, nothing runs twice.',
      nodes: { config: { options: { deadlineMs: 1000 } } },
      expect: { 'at-most-once': 'holds' },
    },
    'exactly-once-volatile': {
      description:
        "n2's replies are lost, so n1 keeps retransmitting appends n2 already ran; then n2 is killed and restarted. " +
        'Its dedup table lived in memory: the retransmissions look new and run again. "But what if the receiver ' +
        'crashes and loses seq number info?"',
      expect: { 'at-least-once': 'holds', 'at-most-once': 'violated' },
    },
    'exactly-once': {
      description:
        "n2's replies are lost, then n2 is killed and restarted. Its dedup table, reply cache and effects were made " +
        'durable in one record, so the retransmissions are recognised after the restart: each append runs once.',
      expect: { 'exactly-once': 'holds' },
    },
    'volatile-dedup': {
      description:
        'Bug zoo: "exactly-once" whose dedup table is not persisted. Replies lost, then the receiver n2 is killed ' +
        'and restarted: it forgot which requests it ran, and runs the retransmissions again.',
      nodes: { semantics: 'exactly-once', bug: 'volatile-dedup' },
      expect: { 'at-most-once': 'violated', 'exactly-once': 'violated' },
    },
    'ack-before-durable': {
      description:
        'Bug zoo: the server replies before its effect is on disk. n2 is killed mid-stream: appends it already ' +
        'acknowledged are gone after the restart, and acknowledged means the client will never send them again.',
      nodes: { semantics: 'exactly-once', bug: 'ack-before-durable' },
      workload: { ops: 300, concurrency: 8 },
      faults: [{ fault: crash('n2'), at: { ops: 100 }, duration: 150 }],
      expect: { 'at-least-once': 'violated', 'exactly-once': 'violated' },
    },
  },
});
