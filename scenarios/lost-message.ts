import { defineFamily } from '../harness/family.ts';
import { loseMessages } from '../harness/scenario.ts';

const lostFor = (duration: number) => [{ fault: loseMessages('n1->n2'), at: { ops: 50 }, duration }];

export default defineFamily({
  failure: 'lost-message',
  nodes: { count: 2 },
  workload: { ops: 200, concurrency: 4 },
  faults: lostFor(300),
  members: {
    'at-most-once': {
      description:
        'Every request n1 sends n2 is lost for 800 ms. Sent once and never again, those appends never run: ' +
        'nothing runs twice, but delivery is not guaranteed even after the network heals.',
      nodes: { config: { options: { deadlineMs: 1000 } } },
      faults: lostFor(800),
      eventual: true,
      expect: { 'at-most-once': 'holds', 'at-least-once': 'violated' },
    },
    'at-least-once': {
      description:
        'Every request n1 sends n2 is lost for 300 ms. The retransmission timer sends each again until the ' +
        'acknowledgement comes back, so every append runs once the network heals.',
      expect: { 'at-least-once': 'holds' },
    },
    'exactly-once': {
      description: 'Requests from n1 to n2 lost for 300 ms: retransmitted until they arrive, filtered so each runs once.',
      expect: { 'exactly-once': 'holds' },
    },
    'past-give-up-at-least-once': {
      description:
        "Every request n1 sends n2 is lost for 3 s, three times the sender's 1 s give-up time: the appends invoked " +
        'meanwhile are given up on (info) and never run, so eventual delivery is violated, as the semantics say it is ' +
        'when a fault outlasts the give-up time.',
      nodes: { semantics: 'at-least-once', config: { retransmit: { giveUpMs: 1000 }, options: { deadlineMs: 1000 } } },
      faults: lostFor(3000),
      expect: { 'at-least-once': 'violated' },
    },
  },
});
