import { crash, defineScenario } from '../harness/scenario.ts';

export default defineScenario({
  name: 'sender-crash-seq-restart',
  description:
    'Bug zoo: the sender does not keep its sequence counter, which restarts at 0 after a crash. After n1 is ' +
    "killed and restarted, its new requests reuse old numbers: n2 takes them for duplicates and answers with " +
    'stale cached replies, so acknowledged appends never run.',
  nodes: { count: 2, semantics: 'exactly-once', bug: 'seq-restart' },
  workload: { ops: 300, concurrency: 4 },
  faults: [{ fault: crash('n1'), at: { ops: 150 }, duration: 150 }],
  expect: { 'at-least-once': 'violated', 'exactly-once': 'violated' },
});
