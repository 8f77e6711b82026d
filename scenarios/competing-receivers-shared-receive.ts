import { defineScenario } from '../harness/scenario.ts';

export default defineScenario({
  name: 'competing-receivers-shared-receive',
  description:
    'Bug zoo: receive does not claim the message, so two competing receivers on n2 both take it. ' +
    '"Two receivers can\'t get the same message" no longer holds.',
  nodes: { count: 2, semantics: 'at-least-once', bug: 'shared-receive', config: { options: { consumers: 2, workMs: 5 } } },
  workload: { ops: 100, concurrency: 4, mix: { send: 1 } },
  expect: { 'exclusive-receive': 'violated', 'at-most-once': 'violated' },
});
