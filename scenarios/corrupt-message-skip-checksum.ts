import { corruptMessages, defineScenario } from '../harness/scenario.ts';

export default defineScenario({
  name: 'corrupt-message-skip-checksum',
  description:
    'Bug zoo: the receiver does not check the frame checksum. Bits flip in the requests n1 sends n2 for 800 ms, ' +
    'and n2 acts on bodies that differ from what was sent.',
  nodes: { count: 2, semantics: 'exactly-once', bug: 'skip-checksum' },
  workload: { ops: 200, concurrency: 4 },
  faults: [{ fault: corruptMessages('n1->n2'), at: { ops: 50 }, duration: 800 }],
  needs: ['frame-toxics'],
  expect: { integrity: 'violated' },
});
