import * as z from 'zod';
import type { Node } from '../node.ts';
import { registerProgram } from './index.ts';

// Lets an outsider (a test, the harness, a benchmark) make this node act. Program `remote-control`:
// `node-send` makes it send one 1-way message with a chosen return mode, `node-receive` makes it receive from one
// of its own mailboxes; the answer says how long it took, or carries the typed error's code. Program `load`:
// `node-send-burst` / `node-receive-burst` do many of them, bounded in count and time.

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
    const started = node.env.clock.now();
    const id = await node.send(message.to, message.body, { until: message.until, timeoutMs: message.timeoutMs });
    return { type: 'node-sent', id, elapsedMs: node.env.clock.now() - started };
  });
  node.handle('node-receive', async (raw) => {
    const message = NodeReceive.parse(raw);
    const delivery = await node.receive(message.mbox, { timeoutMs: message.timeoutMs, leaseMs: message.leaseMs });
    if (message.done) await delivery.done();
    const { id, from, body, receiver } = delivery;
    return { type: 'node-received', id, from, body, receiver };
  });
});

// Bursts: many sends or receives driven by one request (load and benchmarks), bounded in count and time.

const SendBurst = z.object({
  type: z.literal('node-send-burst'),
  rid: z.number(),
  to: z.object({ node: z.string(), mbox: z.string() }),
  count: z.number().int().min(1).max(1_000_000),
  /** Sends in flight at once: 1 = sequential (latency), more = pipelined (throughput). */
  window: z.number().int().min(1).max(10_000).default(1),
  until: z.enum(['local', 'remote', 'received']).default('remote'),
  bodyBytes: z.number().int().min(0).max(1_000_000).default(16),
  maxMs: z.number().positive().max(120_000).default(30_000),
});

const ReceiveBurst = z.object({
  type: z.literal('node-receive-burst'),
  rid: z.number(),
  mbox: z.string(),
  count: z.number().int().min(1).max(1_000_000),
  /** Receivers taking concurrently. */
  receivers: z.number().int().min(1).max(1_000).default(1),
  maxMs: z.number().positive().max(120_000).default(30_000),
});

registerProgram('load', (node: Node) => {
  node.handle('node-send-burst', async (raw) => {
    const burst = SendBurst.parse(raw);
    const body = 'x'.repeat(burst.bodyBytes);
    const deadline = node.env.clock.now() + burst.maxMs;
    const latencies: number[] = [];
    let next = 0;
    let failed = 0;
    const started = node.env.clock.now();
    const lane = async () => {
      while (next < burst.count && node.env.clock.now() < deadline) {
        next++;
        const t0 = node.env.clock.now();
        try {
          await node.send(burst.to, body, { until: burst.until });
          latencies.push(node.env.clock.now() - t0);
        } catch {
          failed++;
        }
      }
    };
    await Promise.all(Array.from({ length: burst.window }, lane));
    const elapsedMs = node.env.clock.now() - started;
    return { type: 'node-send-burst-result', sent: latencies.length, failed, elapsedMs, ...percentiles(latencies) };
  });

  node.handle('node-receive-burst', async (raw) => {
    const burst = ReceiveBurst.parse(raw);
    const deadline = node.env.clock.now() + burst.maxMs;
    let received = 0;
    let firstAt = 0;
    const receiver = async () => {
      while (received < burst.count && node.env.clock.now() < deadline) {
        try {
          const delivery = await node.receive(burst.mbox, { timeoutMs: Math.max(1, deadline - node.env.clock.now()) });
          firstAt ||= node.env.clock.now();
          await delivery.done();
          received++;
        } catch {
          return;
        }
      }
    };
    await Promise.all(Array.from({ length: burst.receivers }, receiver));
    return { type: 'node-receive-burst-result', received, elapsedSinceFirstMs: firstAt ? node.env.clock.now() - firstAt : 0 };
  });
});

function percentiles(samples: number[]): { p50Ms: number; p99Ms: number; maxMs: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
  return { p50Ms: at(0.5), p99Ms: at(0.99), maxMs: sorted.at(-1) ?? 0 };
}
