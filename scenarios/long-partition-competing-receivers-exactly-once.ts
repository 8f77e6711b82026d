import { defineScenario, partition } from '../harness/scenario.ts';

export default defineScenario({
  name: 'long-partition-competing-receivers-exactly-once',
  description:
    'n1 sends 1-way messages to the mailbox of n2, where two receivers compete. The two are partitioned for 3 s, ' +
    'three times the 1 s send deadline: the sends caught in flight are info and retransmitted after healing, then ' +
    'acted on once, by one receiver.',
  nodes: { count: 2, semantics: 'exactly-once', config: { options: { consumers: 2, workMs: 2, deadlineMs: 1000 } } },
  workload: { ops: 200, concurrency: 4, mix: { send: 1 } },
  faults: [{ fault: partition([['n1'], ['n2']]), at: { ops: 50 }, duration: 3000 }],
  expect: { 'exactly-once': 'holds', 'exclusive-receive': 'holds' },
});
