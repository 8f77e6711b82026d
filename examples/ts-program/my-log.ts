// A program module of your own: the `log` service the harness checks, written against the node runtime API.
// Run it on every server of a scenario with `programs: { n2: ['./examples/ts-program/my-log.ts'] }` (a path,
// relative to the directory chaoslab runs in), or ask which guarantees it keeps:
//   npx chaoslab matrix --program ./examples/ts-program/my-log.ts --failures lost-reply
// The contract (docs/YOUR-NODE.md): the default export is the program's start, called once the node listens;
// the node reports `ready` when it resolves. The imports below are the runtime modules chaoslab's own programs use.
import type { Node } from '../../nodes/node.ts';
import { useNameService } from '../../nodes/names/client.ts';
import { logReads, logService } from '../../nodes/programs/log.ts';
import { serveService } from '../../nodes/rpc/server.ts';
import { isIntact } from '../../nodes/semantics/integrity.ts';
import { deliveryStoresOf } from '../../nodes/semantics/delivery-stores.ts';

export default async function myLog(node: Node): Promise<void> {
  // The node's delivery setting (config.semantics) decides dedup and durability; serveService applies it.
  const { executions } = await deliveryStoresOf(node);
  await serveService(node, logService, {
    append: ({ id, body, digest }, call) => {
      // One execution per run of the procedure: made durable with the reply, before the reply leaves.
      call.record({ id, intact: isIntact(body, digest) });
      return { ok: true as const };
    },
    // How the harness reads the executions back: the same on every log server, so taken from chaoslab's.
    ...logReads(executions),
  });
  // The client finds the log through the lab's name service.
  await useNameService(node)?.register('log');
}
