import * as z from 'zod';
import type { Node } from '../node.ts';
import { useNameService } from '../names/client.ts';
import { serveService } from '../rpc/server.ts';
import { defineService, type ServiceImpl } from '../rpc/service.ts';
import { isIntact } from '../semantics/integrity.ts';
import { deliveryStoresOf } from '../semantics/delivery-stores.ts';
import type { ExecutionStore } from '../semantics/executions.ts';
import { sleep } from '../time.ts';
import { registerProgram } from './index.ts';

// Program `log`: the append-only log whose effects are countable. Every execution of `append` is recorded
// durably (in every delivery setting), so the log read back whole is the ground truth the checkers count.

export const Execution = z.object({
  id: z.string(),
  node: z.string(),
  by: z.string(),
  key: z.object({ from: z.string(), seq: z.number() }),
  time: z.number(),
  intact: z.boolean(),
  takenAt: z.number().optional(),
  leaseUntil: z.number().optional(),
  copy: z.string().optional(),
});

const READ_PAGE = 2000;

export const logService = defineService('log', {
  append: {
    args: z.object({ id: z.string().min(1), body: z.string(), digest: z.string() }),
    result: z.object({ ok: z.literal(true) }),
  },
  /** Executions in the order they were recorded, a page at a time (a frame holds at most ~1 MiB). */
  read: {
    args: z.object({ offset: z.number().int().nonnegative().default(0), limit: z.number().int().positive().max(READ_PAGE).default(READ_PAGE) }).default({ offset: 0, limit: READ_PAGE }),
    result: z.object({ executions: z.array(Execution), total: z.number().int() }),
    readOnly: true,
  },
  /** How much the node remembers: executions recorded, dedup entries held (bounded by the low-water marks). */
  stats: {
    args: z.object({}).default({}),
    result: z.object({ executions: z.number().int(), dedupEntries: z.number().int() }),
    readOnly: true,
  },
});

/** `options.appendDelayMs`: simulated work per append, so that slow calls, workers and deadlines show. */
const Options = z.object({ appendDelayMs: z.number().nonnegative().default(0) });

const served = new WeakSet<Node>();

/** Serve the log on this node (once): the log program does, and so does the consumer, to be read back. */
export async function serveLog(node: Node): Promise<void> {
  if (served.has(node)) return;
  served.add(node);
  const { executions } = await deliveryStoresOf(node);
  const { appendDelayMs } = Options.parse({ appendDelayMs: node.config.options.appendDelayMs });
  await serveService(node, logService, {
    append: async ({ id, body, digest }, call) => {
      if (appendDelayMs > 0) await sleep(node.env.clock, appendDelayMs);
      call.record({ id, intact: isIntact(body, digest) });
      return { ok: true as const };
    },
    ...logReads(executions),
  });
}

/**
 * The log's read side, how the harness reads a server's ground truth back: the same on every log server,
 * chaoslab's or a program module of the user's (examples/ts-program), whatever its `append` does.
 */
export function logReads(executions: ExecutionStore): Pick<ServiceImpl<typeof logService>, 'read' | 'stats'> {
  return {
    read: ({ offset, limit }) => {
      const all = executions.list();
      return { executions: all.slice(offset, offset + limit), total: all.length };
    },
    stats: () => ({ executions: executions.list().length, dedupEntries: executions.dedup?.size ?? 0 }),
  };
}

registerProgram('log', async (node) => {
  await serveLog(node);
  await useNameService(node)?.register('log');
});
