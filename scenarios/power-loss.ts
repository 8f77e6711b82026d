import { defineFamily } from '../harness/family.ts';
import { powerLoss } from '../harness/scenario.ts';

export default defineFamily({
  failure: 'power-loss',
  nodes: { count: 2 },
  workload: { ops: 300, concurrency: 8 },
  faults: [{ fault: powerLoss('n2'), at: { ops: 100 }, duration: 150 }],
  members: {
    'exactly-once': {
      description:
        'n2 loses power mid-stream (sim only: a process kill keeps the page cache); a write not yet fsynced may be ' +
        'torn. Each execution, with its dedup entry, was fsynced before its reply, and recovery cuts off a torn ' +
        'tail: what n1 saw acknowledged is on the disk after the restart, and runs once.',
      faults: [{ fault: powerLoss('n2', { tornWrites: true }), at: { ops: 100 }, duration: 150 }],
      expect: { 'exactly-once': 'holds' },
      needs: ['power-loss'],
    },
    'no-fsync': {
      description:
        'Bug zoo: the journal is written but never fsynced. A process kill would not show it (the kernel keeps the ' +
        'page cache); n2 losing power does: appends it acknowledged are gone from its disk after the restart.',
      nodes: { semantics: 'exactly-once', bug: 'no-fsync' },
      expect: { 'at-least-once': 'violated', 'exactly-once': 'violated' },
      needs: ['power-loss'],
    },
  },
});
