import { crash, defineScenario, loseMessages } from '../harness/scenario.ts';

export default defineScenario({
  name: 'sender-crash-exactly-once',
  description:
    "n1's requests are lost, then n1 is killed and restarted. Its durable outbox still holds the unacknowledged " +
    'requests and its next sequence number: it resumes retransmitting, and every append runs once.',
  nodes: { count: 2, semantics: 'exactly-once' },
  workload: { ops: 200, concurrency: 4 },
  faults: [
    { fault: loseMessages('n1->n2'), at: { ops: 50 }, duration: 1500 },
    { fault: crash('n1'), at: { ops: 50, afterMs: 800 }, duration: 100 },
  ],
  expect: { 'exactly-once': 'holds' },
});
