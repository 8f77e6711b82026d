// RPC benchmark (not a test): the `log` service on a spawned node process, called by a node hosted in this
// process (so two node processes on loopback), through the generated client stub.
//   node --import tsx bench/rpc.ts [--seconds 3]
// For each setting it measures round-trip latency (p50, p99) and calls/s at concurrency 1 and 64:
// at-most-once without a data dir (the RPC path alone) and exactly-once with one (server journal + fsync per
// group commit, client durable outbox), the latter with the default 4 server workers and with 64.
// Every run is bounded in time.
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import Table from 'cli-table3';
import { percentile } from '../harness/checkers/percentile.ts';
import { setLogSink } from '../nodes/log.ts';
import { Node } from '../nodes/node.ts';
import { logService } from '../nodes/programs/log.ts';
import { callerFromNode } from '../nodes/rpc/caller.ts';
import { clientStub } from '../nodes/rpc/stub.ts';
import { deliveryStoresOf } from '../nodes/semantics/delivery-stores.ts';
import { bodyDigest } from '../nodes/semantics/integrity.ts';
import { setTimeout as sleep } from 'node:timers/promises';

const { values } = parseArgs({ options: { seconds: { type: 'string', default: '3' } } });
const seconds = Number(values.seconds);
const repoRoot = fileURLToPath(new URL('..', import.meta.url));

/** Logs go to a file: parsing them here would steal CPU from the node being measured. */
async function startServer(dir: string, args: string[]): Promise<{ child: ChildProcess; port: number }> {
  const logPath = join(dir, 'server.log');
  const fd = openSync(logPath, 'w');
  const child = spawn(process.execPath, ['harness/cli/bin.mjs', 'node', '--id', 'server', '--port', '0', '--program', 'log', ...args], {
    cwd: repoRoot,
    stdio: ['ignore', fd, fd],
  });
  closeSync(fd);
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const text = await readFile(logPath, 'utf8').catch(() => '');
    const listening = text.split('\n').find((line) => line.includes('"event":"listening"'));
    if (listening && text.includes('"event":"serving"')) return { child, port: (JSON.parse(listening) as { port: number }).port };
    await sleep(50);
  }
  child.kill('SIGKILL');
  throw new Error(`server did not start:\n${await readFile(logPath, 'utf8').catch(() => '')}`);
}

interface Figures {
  p50: number;
  p99: number;
  callsPerSecond: number;
  calls: number;
}

async function measure(call: (i: number) => Promise<unknown>, concurrency: number): Promise<Figures> {
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  const stopAt = started + seconds * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < stopAt) {
        const t = performance.now();
        await call(next++);
        latencies.push(performance.now() - t);
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  latencies.sort((x, y) => x - y);
  return { p50: percentile(latencies, 0.5), p99: percentile(latencies, 0.99), callsPerSecond: latencies.length / elapsed, calls: latencies.length };
}

async function run(semantics: string, durable: boolean, table: Table.Table, workers?: number): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'chaoslab-bench-rpc-'));
  const server = await startServer(dir, [
    '--semantics',
    semantics,
    ...(durable ? ['--data', join(dir, 'server')] : []),
    ...(workers ? ['--config-json', JSON.stringify({ workers })] : []),
  ]);
  const node = await Node.start({
    id: `bench-${semantics}`,
    port: 0,
    semantics: semantics as never,
    peers: { server: { host: '127.0.0.1', port: server.port } },
    ...(durable ? { data: join(dir, 'client') } : {}),
  });
  try {
    const state = await deliveryStoresOf(node);
    const log = clientStub(logService, callerFromNode(node), {
      target: 'server',
      stores: state,
      deadlineMs: 10_000,
    });
    const body = 'x'.repeat(64);
    const digest = bodyDigest(body);
    await measure((i) => log.append({ id: `warm-${i}`, body, digest }), 8); // warm-up: JIT, connections, RTT
    for (const concurrency of [1, 64]) {
      const figures = await measure((i) => log.append({ id: `c${concurrency}-${i}`, body, digest }), concurrency);
      table.push([
        `${semantics}${durable ? ' (--data, fsync)' : ''}${workers ? `, ${workers} workers` : ''}`,
        concurrency,
        figures.p50.toFixed(2),
        figures.p99.toFixed(2),
        Math.round(figures.callsPerSecond),
        figures.calls,
      ]);
    }
  } finally {
    await node.stop();
    server.child.kill('SIGTERM');
    await new Promise((resolve) => server.child.once('exit', resolve));
    await rm(dir, { recursive: true, force: true });
  }
}

setLogSink(() => {});
const table = new Table({ head: ['setting', 'concurrency', 'p50 ms', 'p99 ms', 'calls/s', 'calls'] });
await run('at-most-once', false, table);
await run('exactly-once', true, table);
// More server workers let one group commit (one fsync) carry more calls.
await run('exactly-once', true, table, 64);
console.log(`log.append round trips, ${seconds} s per row, two node processes on loopback`);
console.log(table.toString());
