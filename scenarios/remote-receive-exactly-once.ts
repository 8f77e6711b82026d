import { defineScenario } from '../harness/scenario.ts';

export default defineScenario({
  name: 'remote-receive-exactly-once',
  description:
    'n1 sends 1-way messages to the mailbox of n2 while remote receivers take messages from it and never act, so ' +
    'their leases expire. No fault: a message that comes back from an expired lease is still unconsumed although ' +
    "the sender's low-water mark has passed it (newer messages were consumed meanwhile), so the consumer must run " +
    'it, not take it for a forgotten copy. Every acknowledged message runs once, held by one receiver at a time.',
  nodes: { count: 2, semantics: 'exactly-once' },
  workload: { ops: 10, concurrency: 2, mix: { send: 2, receive: 1 } },
  faults: [],
  expect: { 'at-least-once': 'holds', 'exactly-once': 'holds', 'exclusive-receive': 'holds' },
});
