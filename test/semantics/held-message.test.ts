import { afterEach, expect, it } from 'vitest';
import { NodeClient } from '../../nodes/client.ts';
import { waitFor } from '../helpers/wait.ts';
import { LogLab } from './log-lab.ts';

// Under exactly-once a 1-way message is settled at its sender once stored at the destination, so the sender's
// low-water mark passes messages that still wait in the mailbox. A message that comes back from an expired lease
// after newer ones from the same sender were consumed is unconsumed, and must run; docs/SEMANTICS.md, "Dedup
// state is bounded".

let lab: LogLab | undefined;
let receiver: NodeClient | undefined;
afterEach(async () => {
  await receiver?.close();
  await lab?.close();
  receiver = undefined;
  lab = undefined;
});

const WAIT_MS = 30_000;

it('exactly-once: a message back from an expired lease runs although the sender low-water mark passed it', async () => {
  // One slow consumer, so the remote receive below is the only taker while it works on `first`.
  lab = await LogLab.start({ semantics: 'exactly-once', serverPrograms: ['consumer'], serverOptions: { consumers: 1, workMs: 1000 } });
  const l = lab;
  expect((await l.send('first')).outcome).toBe('ok');
  const remote = (receiver = await NodeClient.connect(l.b.address));
  // A remote receiver that takes a message and never acts on it: its lease runs out after newer messages ran.
  const taking = remote.receive('inbox', { timeoutMs: 10_000, leaseMs: 3000 });
  expect((await l.send('held')).outcome).toBe('ok');
  const held = await taking;
  expect((held.body as { id: string }).id).toBe('held');
  // Sent after `held` was acknowledged: their low-water marks are above its seq.
  expect((await l.send('after-1')).outcome).toBe('ok');
  expect((await l.send('after-2')).outcome).toBe('ok');

  // Wait until the mailbox is empty (`held` consumed one way or the other) and the newer ones ran.
  await waitFor(
    async () => {
      const inbox = ((await remote.stats()).mailboxes as Record<string, { queued: number; leased: number }>).inbox!;
      return inbox.queued === 0 && inbox.leased === 0 && (await l.counts()).has('after-2');
    },
    { timeoutMs: WAIT_MS, everyMs: 50 },
  );
  const counts = await l.counts();
  expect(Object.fromEntries(counts), l.b.tail(30)).toEqual({ first: 1, held: 1, 'after-1': 1, 'after-2': 1 });
});
