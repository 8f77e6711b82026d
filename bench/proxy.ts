// Throughput and round-trip latency through chaoslab's proxy (no toxics) against a direct loopback connection,
// side by side in one run. Separate processes, as in a lab: the upstream (sink + echo), the proxy, this client.
// Throughput is measured for three kinds of bytes, since the proxy follows frame boundaries on every link:
// zero-filled, random, and small frames of the node wire protocol.
// Run: node --import tsx bench/proxy.ts [--megabytes 256] [--round-trips 5000]
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { connect, createServer, type AddressInfo, type Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import Table from 'cli-table3';
import { percentile } from '../harness/checkers/percentile.ts';
import { Toxiproxy } from 'toxiproxy-node-client';
import { seededRandom } from '../nodes/random.ts';
import { encodeFrame } from '../nodes/wire/frame.ts';
import { splitHostPort } from '../harness/proxy/address.ts';

const HOST = '127.0.0.1';
const CHUNK_BYTES = 64 * 1024;
/** What each throughput run writes, chunk after chunk: the same bytes every time. */
const STREAMS: Record<string, Buffer> = {
  'zero-filled': Buffer.alloc(CHUNK_BYTES),
  random: randomChunk(CHUNK_BYTES),
  // Whole frames only, so that back-to-back chunks stay one stream of frames (72 bytes each).
  'small frames': Buffer.concat(
    Array.from({ length: Math.floor(CHUNK_BYTES / 72) }, (_, i) => encodeFrame({ n: i % 10, pad: 'x'.repeat(55) })),
  ),
};
const REQUEST = Buffer.alloc(32, 1);
const RUN_LIMIT_MS = 300_000;
const ROUNDS = 3;

if (process.argv.includes('--upstream')) runUpstream();
else await runBench();

/** The upstream process: a sink that answers with the byte count when the client ends, and an echo. */
function runUpstream(): void {
  const sink = createServer({ allowHalfOpen: true }, (socket) => {
    let bytes = 0;
    socket.on('data', (chunk: Buffer) => (bytes += chunk.length));
    socket.on('end', () => socket.end(String(bytes)));
  });
  const echo = createServer((socket) => {
    socket.setNoDelay(true);
    socket.on('data', (chunk) => socket.write(chunk));
  });
  sink.listen(0, HOST, () =>
    echo.listen(0, HOST, () => {
      const port = (s: typeof sink) => (s.address() as AddressInfo).port;
      process.stdout.write(`${JSON.stringify({ sink: port(sink), echo: port(echo) })}\n`);
    }),
  );
  process.on('disconnect', () => process.exit(0));
}

async function runBench(): Promise<void> {
  const { values } = parseArgs({
    options: { megabytes: { type: 'string', default: '256' }, 'round-trips': { type: 'string', default: '5000' } },
  });
  const megabytes = Number(values.megabytes);
  const roundTrips = Number(values['round-trips']);
  const children: ChildProcess[] = [];
  const deadline = setTimeout(() => {
    console.error(`bench/proxy: gave up after ${RUN_LIMIT_MS} ms`);
    for (const child of children) child.kill();
    process.exit(1);
  }, RUN_LIMIT_MS);
  try {
    const self = fileURLToPath(import.meta.url);
    const upstream = spawn(process.execPath, ['--import', 'tsx', self, '--upstream'], {
      stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
    });
    children.push(upstream);
    const ports = JSON.parse(await firstLine(upstream)) as { sink: number; echo: number };

    // The proxy in its own process, as people run it standalone.
    const starts = {
      'proxy (chaoslab proxy)': [fileURLToPath(new URL('../harness/cli/bin.mjs', import.meta.url)), 'proxy'],
    };
    const proxiedPaths: { path: string; target: { sink: number; echo: number } }[] = [];
    for (const [path, args] of Object.entries(starts)) {
      const server = spawn(process.execPath, [...args, '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
      children.push(server);
      const client = new Toxiproxy(/API on (\S+)/.exec(await firstLine(server))![1]!);
      const listenPort = async (name: string, port: number) => {
        const proxy = await client.createProxy({ name, listen: `${HOST}:0`, upstream: `${HOST}:${port}` });
        return splitHostPort(proxy.listen)!.port;
      };
      proxiedPaths.push({ path, target: { sink: await listenPort('bench_sink', ports.sink), echo: await listenPort('bench_echo', ports.echo) } });
    }

    // Rounds alternate direct and proxied runs, so that load from elsewhere on the machine hits both alike;
    // throughput is the best round of each path and stream, latency percentiles are over every sample of a path.
    const bytes = (megabytes * 1024 * 1024) / ROUNDS;
    const streams = Object.keys(STREAMS);
    const paths = [{ path: 'direct', target: ports }, ...proxiedPaths].map((p) => ({
      ...p,
      mbps: Object.fromEntries(streams.map((stream) => [stream, [] as number[]])),
      times: [] as number[],
    }));
    for (const { target } of paths) {
      await throughput(target.sink, bytes / 4, STREAMS.random!);
      await roundTripsTo(target.echo, 300);
    }
    for (let round = 0; round < ROUNDS; round++) {
      for (const stream of streams) {
        for (const path of paths) path.mbps[stream]!.push(await throughput(path.target.sink, bytes, STREAMS[stream]!));
      }
      for (const path of paths) path.times.push(...(await roundTripsTo(path.target.echo, Math.ceil(roundTrips / ROUNDS))));
    }
    const rows = paths.map(({ path, mbps, times }) => {
      times.sort((a, b) => a - b);
      const best = Object.fromEntries(streams.map((stream) => [stream, Math.max(...mbps[stream]!)]));
      return { path, best, p50: percentile(times, 0.5), p99: percentile(times, 0.99) };
    });

    const table = new Table({
      head: ['path', ...streams.map((stream) => `${stream} MB/s`), 'round trip p50 us', 'round trip p99 us'],
      style: { head: [], border: [] },
    });
    for (const row of rows) {
      table.push([row.path, ...streams.map((stream) => row.best[stream]!.toFixed(0)), row.p50.toFixed(0), row.p99.toFixed(0)]);
    }
    console.log(
      `bench/proxy: ${megabytes} MiB one way per stream and ${roundTrips} sequential 32-byte round trips per path, ` +
        `${ROUNDS} alternating rounds, Node ${process.version}`,
    );
    console.log(table.toString());
    const direct = rows[0]!;
    for (const row of rows.slice(1)) {
      const shares = streams.map((stream) => `${stream} ${((row.best[stream]! / direct.best[stream]!) * 100).toFixed(0)}%`);
      console.log(`${row.path} vs direct: throughput ${shares.join(', ')}; p50 +${(row.p50 - direct.p50).toFixed(0)} us`);
    }
  } finally {
    clearTimeout(deadline);
    for (const child of children) child.kill();
  }
}

/** MB/s (1 MB = 2^20 bytes) of `bytes` sent one way, `chunk` after `chunk`, and counted by the sink. */
async function throughput(port: number, bytes: number, chunk: Buffer): Promise<number> {
  const socket = await open(port);
  const started = process.hrtime.bigint();
  let sent = 0;
  while (sent < bytes) {
    sent += chunk.length;
    if (!socket.write(chunk)) await once(socket, 'drain');
  }
  socket.end();
  const [answer] = (await once(socket, 'data')) as [Buffer];
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  socket.destroy();
  if (Number(answer.toString()) !== sent) throw new Error(`sink counted ${answer.toString()} of ${sent} bytes`);
  return sent / 1024 / 1024 / seconds;
}

/** Microseconds of each sequential 32-byte request/response. */
async function roundTripsTo(port: number, count: number): Promise<number[]> {
  const socket = await open(port);
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    const started = process.hrtime.bigint();
    socket.write(REQUEST);
    let received = 0;
    while (received < REQUEST.length) received += ((await once(socket, 'data')) as [Buffer])[0].length;
    times.push(Number(process.hrtime.bigint() - started) / 1000);
  }
  socket.destroy();
  return times;
}

async function open(port: number): Promise<Socket> {
  const socket = connect({ port, host: HOST, noDelay: true });
  await once(socket, 'connect');
  return socket;
}


async function firstLine(child: ChildProcess): Promise<string> {
  let text = '';
  for await (const chunk of child.stdout!) {
    text += String(chunk);
    if (text.includes('\n')) return text.split('\n')[0]!;
  }
  throw new Error('child exited before it printed its first line');
}

/** Bytes that look like nothing in particular, the same in every run. */
function randomChunk(length: number): Buffer {
  const random = seededRandom(1);
  return Buffer.from(Array.from({ length }, () => Math.floor(random() * 256)));
}
