import * as z from 'zod';
import { NodeStopped, ReceiveTimeout } from '../errors.ts';
import type { Node } from '../node.ts';
import { registerProgram } from './index.ts';

// The notes' 2-way example, request/response built from two 1-way messages:
//   client: send("read rutabaga", mbox1); receive(response, mbox2)
//   server: receive(command, mbox1); decode; read file into answer; send(answer, mbox2)
// The return address (node + mbox2) travels in the request, as RPC later makes automatic.
//
// rutabaga-server options: { files: { name: contents } }  (default: a rutabaga file)
// rutabaga-client options: { server: 'server', file: 'rutabaga', count: 1, timeoutMs: 5000 }

const ServerOptions = z.object({
  files: z.record(z.string(), z.string()).default({ rutabaga: 'a root vegetable, also called swede' }),
});

const ClientOptions = z.object({
  server: z.string().default('server'),
  file: z.string().default('rutabaga'),
  count: z.number().int().min(1).max(100_000).default(1),
  timeoutMs: z.number().positive().default(5000),
});

const Command = z.object({ command: z.string(), replyTo: z.object({ node: z.string(), mbox: z.string() }), request: z.number() });

registerProgram('rutabaga-server', (node: Node) => {
  const { files } = ServerOptions.parse(node.config.options);
  void (async () => {
    for (;;) {
      try {
        const delivery = await node.receive('mbox1', { timeoutMs: 1000 });
        await delivery.done();
        const parsed = Command.safeParse(delivery.body);
        if (!parsed.success) {
          node.log('rutabaga-bad-command', { body: delivery.body });
          continue;
        }
        const { command, replyTo, request } = parsed.data;
        const [verb, name = ''] = command.split(' ');
        const answer =
          verb === 'read' && name in files ? { request, ok: true, contents: files[name] } : { request, ok: false, error: `cannot '${command}'` };
        await node.send(replyTo, answer, { until: 'remote' });
        node.log('rutabaga-served', { command, request, to: replyTo.node });
      } catch (error) {
        if (error instanceof ReceiveTimeout) continue;
        if (error instanceof NodeStopped) return;
        node.log('rutabaga-server-error', { error: (error as Error).message });
      }
    }
  })();
});

registerProgram('rutabaga-client', (node: Node) => {
  const options = ClientOptions.parse(node.config.options);
  void (async () => {
    for (let request = 1; request <= options.count; request++) {
      try {
        const command = `read ${options.file}`;
        await node.send({ node: options.server, mbox: 'mbox1' }, { command, replyTo: { node: node.id, mbox: 'mbox2' }, request }, { until: 'remote' });
        const response = await node.receive('mbox2', { timeoutMs: options.timeoutMs });
        await response.done();
        node.log('rutabaga-answer', { request, answer: response.body });
      } catch (error) {
        if (error instanceof NodeStopped) return;
        node.log('rutabaga-client-error', { request, error: (error as Error).message });
      }
    }
    node.log('rutabaga-client-finished', { count: options.count });
  })();
});
