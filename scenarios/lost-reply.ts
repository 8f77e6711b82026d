import { defineFamily } from '../harness/family.ts';
import { loseReplies } from '../harness/scenario.ts';

const lostFor = (duration: number) => [{ fault: loseReplies('n1->n2'), at: { ops: 50 }, duration }];

export default defineFamily({
  failure: 'lost-reply',
  nodes: { count: 2 },
  workload: { ops: 200, concurrency: 4 },
  faults: lostFor(300),
  members: {
    'at-most-once': {
      description:
        "n2's replies to n1 are lost for 300 ms. The appends ran; n1 cannot know it and reports them indeterminate " +
        '(info), never failed. Nothing is sent twice, so nothing runs twice.',
      nodes: { config: { options: { deadlineMs: 1000 } } },
      expect: { 'at-most-once': 'holds' },
    },
    'at-least-once': {
      description:
        "n2's replies to n1 are lost for 800 ms: n1 retransmits, and n2 acts on every copy. " +
        'Every append runs, some of them several times: "the request may be executed 0, 1, 2, or more times".',
      faults: lostFor(800),
      expect: { 'at-least-once': 'holds', 'at-most-once': 'violated' },
    },
    'exactly-once-volatile': {
      description:
        "n2's replies lost for 300 ms: n1 retransmits, n2 recognises each (sender, seq) and replays the cached reply. " +
        'While nobody crashes, a table in memory is enough.',
      expect: { 'exactly-once': 'holds' },
    },
    'exactly-once': {
      description: "n2's replies lost for 300 ms: retransmissions are recognised and answered from the durable reply cache.",
      expect: { 'exactly-once': 'holds' },
    },
    'fresh-id-per-retransmit': {
      description:
        'Bug zoo: exactly-once whose sender gives every retransmission a new message id, so the receiver cannot ' +
        "tell it from a new request. n2's replies are lost for 800 ms: retransmitted appends run again.",
      nodes: { semantics: 'exactly-once', bug: 'fresh-id-per-retransmit' },
      faults: lostFor(800),
      expect: { 'at-most-once': 'violated', 'exactly-once': 'violated' },
    },
    'no-reply-cache': {
      description:
        'Bug zoo: exactly-once whose server recognises a duplicate request but keeps no reply to send back, so it ' +
        "runs the procedure again. n2's replies are lost for 800 ms: every retransmission re-runs its append.",
      nodes: { semantics: 'exactly-once', bug: 'no-reply-cache' },
      faults: lostFor(800),
      expect: { 'at-most-once': 'violated', 'exactly-once': 'violated' },
    },
    'give-up-as-fail': {
      description:
        'Bug zoo: a sender that gives up retransmitting reports the call as failed instead of indeterminate. ' +
        "n2's replies are lost for longer than n1's 300 ms call deadline: appends that ran are reported failed.",
      nodes: { semantics: 'at-least-once', bug: 'give-up-as-fail', config: { options: { deadlineMs: 300 } } },
      faults: lostFor(800),
      expect: { 'at-least-once': 'violated' },
    },
  },
});
