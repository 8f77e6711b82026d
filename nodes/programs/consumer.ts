import * as z from 'zod';
import { NodeStopped, ReceiveTimeout } from '../errors.ts';
import type { Node } from '../node.ts';
import { installAdmission, lowWaterOf } from '../semantics/admission.ts';
import { isIntact } from '../semantics/integrity.ts';
import { deliveryStoresOf, type DeliveryStores } from '../semantics/delivery-stores.ts';
import { sleep } from '../time.ts';
import { registerProgram } from './index.ts';
import { serveLog } from './log.ts';

// Program `consumer`: competing receivers on one mailbox (options.consumers, default 2, on options.mbox,
// default 'inbox'). Each takes a message under a lease, records an execution in the node's log and then says
// done. Under the deduplicating settings a message whose id was already acted on is only marked done: under
// exactly-once the check and the record are one durable step, so a copy redelivered after a crash is dropped.

const Options = z.object({
  consumers: z.number().int().positive().max(64).default(2),
  mbox: z.string().min(1).default('inbox'),
  /** Lease of each take; a consumer that does not finish in time loses the message to another one. */
  consumerLeaseMs: z.number().int().positive().optional(),
  /** Simulated work per message, so leases and competition show. */
  workMs: z.number().nonnegative().default(0),
});

const Body = z.object({ id: z.string(), body: z.string(), digest: z.string() });

registerProgram('consumer', async (node) => {
  const options = Options.parse(node.config.options);
  const stores = await deliveryStoresOf(node);
  installAdmission(node, stores);
  // The sender's low-water mark says "stored here", not "consumed": a message below it may still wait in the
  // mailbox or come back from an expired lease, so the table must not forget its key while it is held.
  const mailbox = node.mailbox(options.mbox);
  stores.executions.dedup?.keepHeld((from) => mailbox.oldestHeld(from));
  await serveLog(node);
  for (let i = 1; i <= options.consumers; i++) void consume(node, stores, options, `${node.id}/consumer-${i}`);
  node.log('consuming', { mbox: options.mbox, consumers: options.consumers });
});

async function consume(node: Node, stores: DeliveryStores, options: z.infer<typeof Options>, receiver: string): Promise<void> {
  const dedup = stores.executions.dedup;
  for (;;) {
    let delivery;
    try {
      delivery = await node.receive(options.mbox, { receiver, timeoutMs: 1000, leaseMs: options.consumerLeaseMs });
    } catch (error) {
      if (error instanceof NodeStopped) return;
      if (!(error instanceof ReceiveTimeout)) node.log('consumer-error', { receiver, error: (error as Error).message });
      continue;
    }
    try {
      const parsed = Body.safeParse(delivery.body);
      const admission = dedup?.admit(delivery.id, lowWaterOf(delivery.body));
      if (!parsed.success) {
        node.log('consumer-skip', { receiver, id: delivery.id, reason: 'body is not {id, body, digest}' });
      } else if (admission && admission.kind !== 'new') {
        node.log('duplicate', { receiver, key: delivery.id, kind: admission.kind });
      } else {
        if (options.workMs > 0) await sleep(node.env.clock, options.workMs);
        const execution = {
          id: parsed.data.id,
          node: node.id,
          by: receiver,
          key: delivery.id,
          time: node.env.clock.now(),
          intact: isIntact(parsed.data.body, parsed.data.digest),
          takenAt: delivery.takenAt,
          leaseUntil: delivery.leaseUntil,
          ...(delivery.copy !== undefined ? { copy: delivery.copy } : {}),
        };
        await stores.executions.commit(delivery.id, {}, [execution], lowWaterOf(delivery.body));
      }
      if (admission?.kind === 'new') admission.finish({});
      await delivery.done();
    } catch (error) {
      node.log('consumer-error', { receiver, id: delivery.id, error: (error as Error).message });
    }
  }
}
