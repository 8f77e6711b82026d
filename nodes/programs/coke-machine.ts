import * as z from 'zod';
import { ReceiveTimeout, NodeStopped } from '../errors.ts';
import type { Node, SendUntil } from '../node.ts';
import { sleep } from '../time.ts';
import { registerProgram } from './index.ts';

// The notes' 1-way example: a producer puts cokes into the machine's mailbox, a consumer drinks them. Neither
// tracks the space in the mailbox: send pushes back when it is full, receive waits when it is empty.
//
// coke-producer options: { cokeMachine: node id (default 'machine'), mbox: 'coke', count: 10, intervalMs: 100,
//                          until: 'remote' }
// coke-consumer options: { mbox: 'coke', drinkMs: 0 }  (consumes from its own node's mailbox until stopped)

const ProducerOptions = z.object({
  cokeMachine: z.string().default('machine'),
  mbox: z.string().default('coke'),
  count: z.number().int().min(1).max(1_000_000).default(10),
  intervalMs: z.number().min(0).default(100),
  until: z.enum(['local', 'remote', 'received']).default('remote'),
});

const ConsumerOptions = z.object({
  mbox: z.string().default('coke'),
  drinkMs: z.number().min(0).default(0),
});

registerProgram('coke-producer', (node: Node) => {
  const options = ProducerOptions.parse(node.config.options);
  void (async () => {
    for (let n = 1; n <= options.count; n++) {
      try {
        const id = await node.send({ node: options.cokeMachine, mbox: options.mbox }, { coke: n }, { until: options.until as SendUntil });
        node.log('coke-added', { coke: n, id });
      } catch (error) {
        if (error instanceof NodeStopped) return;
        node.log('coke-not-added', { coke: n, error: (error as Error).message, code: (error as { code?: string }).code });
      }
      await sleep(node.env.clock, options.intervalMs);
    }
    node.log('producer-finished', { count: options.count });
  })();
});

registerProgram('coke-consumer', (node: Node) => {
  const options = ConsumerOptions.parse(node.config.options);
  void (async () => {
    for (;;) {
      try {
        const delivery = await node.receive(options.mbox, { timeoutMs: 1000 });
        await sleep(node.env.clock, options.drinkMs);
        await delivery.done();
        node.log('coke-drunk', { body: delivery.body, id: delivery.id });
      } catch (error) {
        if (error instanceof ReceiveTimeout) continue;
        if (error instanceof NodeStopped) return;
        node.log('consumer-error', { error: (error as Error).message });
      }
    }
  })();
});
