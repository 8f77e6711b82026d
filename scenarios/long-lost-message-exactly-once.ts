import { defineScenario, loseMessages } from '../harness/scenario.ts';

export default defineScenario({
  name: 'long-lost-message-exactly-once',
  description:
    'Every request n1 sends n2 is lost for 3 s, three times the 1 s call deadline; the connection stays up, so every ' +
    'append invoked meanwhile is info, not fail. The sender retransmits each until acknowledged: all run once after healing.',
  nodes: { count: 2, semantics: 'exactly-once', config: { options: { deadlineMs: 1000 } } },
  workload: { ops: 200, concurrency: 4 },
  faults: [{ fault: loseMessages('n1->n2'), at: { ops: 50 }, duration: 3000 }],
  expect: { 'exactly-once': 'holds' },
});
