// Mailbox benchmark (not a test): two node processes on loopback, `src` sending to `dst`.
//   node --import tsx bench/mailbox.ts [--messages 20000] [--window 64] [--latency 2000]
// Measures pipelined send throughput (until 'remote'), with the destination's receivers taking and consuming
// concurrently, and sequential round-trip latency (send until 'remote', until 'received', and ping) — with and
// without a data dir (durable mailboxes: journal + fsync). Every run is bounded in count and time.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { openSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import Table from 'cli-table3';
import { percentile } from '../harness/checkers/percentile.ts';
import { NodeClient } from '../nodes/client.ts';
import { setTimeout as sleep } from 'node:timers/promises';

const { values } = parseArgs({
  options: {
    messages: { type: 'string', default: '20000' },
    window: { type: 'string', default: '64' },
    latency: { type: 'string', default: '2000' },
  },
});
const messages = Number(values.messages);
const window = Number(values.window);
const latencySamples = Number(values.latency);
const repoRoot = fileURLToPath(new URL('..', import.meta.url));

interface Started {
  child: ChildProcess;
  port: number;
}

/** Logs go to a file, not to us: parsing them here would steal CPU from the nodes being measured. */
async function startNode(id: string, logDir: string, args: string[]): Promise<Started> {
  const logPath = join(logDir, `${id}.log`);
  const fd = openSync(logPath, 'w');
  const child = spawn(process.execPath, ['harness/cli/bin.mjs', 'node', '--id', id, '--port', '0', ...args], { cwd: repoRoot, stdio: ['ignore', fd, fd] });
  closeSync(fd);
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const text = await readFile(logPath, 'utf8');
    const listening = /"event":"listening","port":(\d+)/.exec(text);
    if (listening && text.includes('"event":"ready"')) return { child, port: Number(listening[1]) };
    if (child.exitCode !== null) break;
    await sleep(50);
  }
  child.kill('SIGKILL');
  throw new Error(`node ${id} did not start:\n${await readFile(logPath, 'utf8')}`);
}

async function stop(node: Started): Promise<void> {
  if (node.child.exitCode !== null) return;
  const exited = new Promise((resolve) => node.child.once('exit', resolve));
  node.child.kill('SIGTERM');
  const timer = setTimeout(() => node.child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}

interface Row {
  setup: string;
  throughput: number;
  remote: { p50Ms: number; p99Ms: number };
  received: { p50Ms: number; p99Ms: number };
  ping: { p50Ms: number; p99Ms: number };
}

async function measure(setup: string, durable: boolean): Promise<Row> {
  const dir = await mkdtemp(join(tmpdir(), 'chaoslab-bench-'));
  const nodes: Started[] = [];
  try {
    const dst = await startNode('dst', dir, ['--program', 'load', '--mailbox-capacity', '100000', ...(durable ? ['--data', join(dir, 'dst-data')] : [])]);
    nodes.push(dst);
    const src = await startNode('src', dir, ['--program', 'load', '--peer', `dst=127.0.0.1:${dst.port}`, ...(durable ? ['--data', join(dir, 'src-data')] : [])]);
    nodes.push(src);
    const atSrc = await NodeClient.connect({ host: '127.0.0.1', port: src.port });
    const atDst = await NodeClient.connect({ host: '127.0.0.1', port: dst.port });
    const to = { node: 'dst', mbox: 'bench' };
    const timeoutMs = 150_000;

    // Warm up connections and JIT.
    await atSrc.request({ type: 'node-send-burst', to, count: 500, window }, { timeoutMs });
    await atDst.request({ type: 'node-receive-burst', mbox: 'bench', count: 500 }, { timeoutMs });

    // Throughput: pipelined sends, consumed concurrently at the destination.
    const consuming = atDst.request({ type: 'node-receive-burst', mbox: 'bench', count: messages, receivers: 8, maxMs: 60_000 }, { timeoutMs });
    const sent = (await atSrc.request({ type: 'node-send-burst', to, count: messages, window, maxMs: 60_000 }, { timeoutMs })) as unknown as { sent: number; elapsedMs: number };
    await consuming;
    const throughput = (sent.sent / sent.elapsedMs) * 1000;

    // Latency, one message at a time.
    const remote = (await atSrc.request({ type: 'node-send-burst', to, count: latencySamples, window: 1 }, { timeoutMs })) as unknown as Row['remote'];
    await atDst.request({ type: 'node-receive-burst', mbox: 'bench', count: latencySamples }, { timeoutMs });
    const receiving = atDst.request({ type: 'node-receive-burst', mbox: 'bench', count: latencySamples }, { timeoutMs });
    const received = (await atSrc.request({ type: 'node-send-burst', to, count: latencySamples, window: 1, until: 'received' }, { timeoutMs })) as unknown as Row['received'];
    await receiving;
    const pings: number[] = [];
    for (let i = 0; i < latencySamples; i++) {
      const t0 = performance.now();
      await atDst.request({ type: 'ping' });
      pings.push(performance.now() - t0);
    }
    pings.sort((a, b) => a - b);
    const ping = { p50Ms: percentile(pings, 0.5), p99Ms: percentile(pings, 0.99) };
    atSrc.close();
    atDst.close();
    return { setup, throughput, remote, received, ping };
  } finally {
    await Promise.all(nodes.map(stop));
    await rm(dir, { recursive: true, force: true });
  }
}

const rows = [await measure('in memory', false), await measure('durable (--data, fsync)', true)];
const table = new Table({
  head: ['setup', 'send msgs/s (remote, pipelined)', 'send p50/p99 ms (remote)', 'send p50/p99 ms (received)', 'ping p50/p99 ms (client->node)'],
});
const ms = (p: { p50Ms: number; p99Ms: number }) => `${p.p50Ms.toFixed(2)} / ${p.p99Ms.toFixed(2)}`;
for (const row of rows) table.push([row.setup, Math.round(row.throughput).toLocaleString('en'), ms(row.remote), ms(row.received), ms(row.ping)]);
console.log(`${messages} messages, window ${window}, ${latencySamples} latency samples, Node ${process.version}`);
console.log(table.toString());
