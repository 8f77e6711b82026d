import { defineFamily } from '../harness/family.ts';
import { corruptMessages } from '../harness/scenario.ts';

const corruptFor = (duration: number) => [{ fault: corruptMessages('n1->n2'), at: { ops: 50 }, duration }];

export default defineFamily({
  failure: 'corrupt-message',
  nodes: { count: 2 },
  workload: { ops: 200, concurrency: 4 },
  members: {
    'exactly-once': {
      description:
        'For 300 ms, bits flip in the requests n1 sends n2. The checksum catches every one: the node drops it ' +
        'as if lost, and retransmission delivers an intact copy.',
      faults: corruptFor(300),
      needs: ['frame-toxics'],
      expect: { integrity: 'holds', 'exactly-once': 'holds' },
    },
    'skip-checksum': {
      description:
        'Bug zoo: the receiver does not check the frame checksum. Bits flip in the requests n1 sends n2 for 800 ms, ' +
        'and n2 acts on bodies that differ from what was sent.',
      nodes: { semantics: 'exactly-once', bug: 'skip-checksum' },
      faults: corruptFor(800),
      needs: ['frame-toxics'],
      expect: { integrity: 'violated' },
    },
  },
});
