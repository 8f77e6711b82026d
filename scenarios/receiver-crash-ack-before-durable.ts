import { crash, defineScenario } from '../harness/scenario.ts';

export default defineScenario({
  name: 'receiver-crash-ack-before-durable',
  description:
    'Bug zoo: the server replies before its effect is on disk. n2 is killed mid-stream: appends it already ' +
    'acknowledged are gone after the restart, and acknowledged means the client will never send them again.',
  nodes: { count: 2, semantics: 'exactly-once', bug: 'ack-before-durable' },
  workload: { ops: 300, concurrency: 8 },
  faults: [{ fault: crash('n2'), at: { ops: 100 }, duration: 150 }],
  expect: { 'at-least-once': 'violated', 'exactly-once': 'violated' },
});
