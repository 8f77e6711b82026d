import { z } from 'zod';
import type { Node } from '../node.ts';
import { registerProgram } from './index.ts';

// Lets an outsider (a test, the harness) make this node act: `node-send` makes it send a 1-way message with a
// chosen return mode, `node-receive` makes it receive from one of its own mailboxes. The answer says how long
// the operation took, or carries the typed error's code.

const NodeSend = z.object({
  type: z.literal('node-send'),
  rid: z.number(),
  to: z.object({ node: z.string(), mbox: z.string() }),
  body: z.unknown(),
  until: z.enum(['local', 'remote', 'received']).default('remote'),
  timeoutMs: z.number().positive().optional(),
});

const NodeReceive = z.object({
  type: z.literal('node-receive'),
  rid: z.number(),
  mbox: z.string(),
  timeoutMs: z.number().nonnegative().optional(),
  leaseMs: z.number().positive().optional(),
  /** Consume right away (default) or leave the lease to expire. */
  done: z.boolean().default(true),
});

registerProgram('remote-control', (node: Node) => {
  node.handle('node-send', async (raw) => {
    const message = NodeSend.parse(raw);
    const started = Date.now();
    const id = await node.send(message.to, message.body, { until: message.until, timeoutMs: message.timeoutMs });
    return { type: 'node-sent', id, elapsedMs: Date.now() - started };
  });
  node.handle('node-receive', async (raw) => {
    const message = NodeReceive.parse(raw);
    const delivery = await node.receive(message.mbox, { timeoutMs: message.timeoutMs, leaseMs: message.leaseMs });
    if (message.done) await delivery.done();
    const { id, from, body, receiver } = delivery;
    return { type: 'node-received', id, from, body, receiver };
  });
});
