import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { writeFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { defaultToxiproxyChoice, openToxiproxy, type OpenToxiproxy } from '../../harness/toxiproxy.ts';
import { addToxic } from './fixtures.ts';

const opened: OpenToxiproxy[] = [];
const sockets: Socket[] = [];
const servers: Server[] = [];
const children: ChildProcess[] = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy();
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
  await Promise.all(opened.splice(0).map((t) => t.stop()));
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

async function echoServer(): Promise<number> {
  const server = createServer((socket) => socket.pipe(socket));
  servers.push(server);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return (server.address() as AddressInfo).port;
}

async function open(...args: Parameters<typeof openToxiproxy>) {
  const toxiproxy = await openToxiproxy(...args);
  opened.push(toxiproxy);
  return toxiproxy;
}

describe('harness/toxiproxy.ts: which Toxiproxy a run uses', () => {
  it('starts the embedded server on loopback with frame toxics and the given seed', async () => {
    const toxiproxy = await open({ kind: 'embedded', seed: 99 });
    expect(toxiproxy.kind).toBe('embedded');
    expect(toxiproxy.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(toxiproxy.frameToxics).toBe(true);
    expect(toxiproxy.seed).toBe(99);
    const proxy = await toxiproxy.client.createProxy({ name: 'x', listen: '127.0.0.1:0', upstream: '127.0.0.1:9' });
    expect(proxy.name).toBe('x');
    await toxiproxy.stop();
    await expect(fetch(`${toxiproxy.url}/version`)).rejects.toThrow();
  });

  it('runs the embedded server on this thread when asked, and in a worker thread by default', async () => {
    const main = await open({ kind: 'embedded', seed: 3, thread: 'main' });
    const worker = await open({ kind: 'embedded', seed: 3 });
    for (const toxiproxy of [main, worker]) {
      const upstream = await echoServer();
      const proxy = await toxiproxy.client.createProxy({ name: 'e', listen: '127.0.0.1:0', upstream: `127.0.0.1:${upstream}` });
      await addToxic(proxy, { type: 'latency', attributes: { latency: 50 } });
      const socket = connect(Number(proxy.listen.split(':')[1]), '127.0.0.1');
      sockets.push(socket);
      await once(socket, 'connect');
      socket.write('hi');
      const [answer] = await once(socket, 'data');
      expect(String(answer)).toBe('hi');
    }
    await worker.stop();
    await expect(fetch(`${worker.url}/version`)).rejects.toThrow();
  });

  it('uses an external server by URL and tells whether it has frame toxics', async () => {
    const embedded = await open({ kind: 'embedded', seed: 5 });
    const external = await open({ kind: 'external', url: `${embedded.url}/` });
    expect(external.kind).toBe('external');
    expect(external.frameToxics).toBe(true);
    expect(external.seed).toBe(5);
    await external.stop(); // leaves the server it does not own running
    expect((await fetch(`${embedded.url}/version`)).status).toBe(200);
  });

  it('reads CHAOSLAB_TOXIPROXY_URL, and fails clearly when nothing answers', async () => {
    expect(defaultToxiproxyChoice({})).toEqual({ kind: 'embedded' });
    expect(defaultToxiproxyChoice({ CHAOSLAB_TOXIPROXY_URL: 'http://127.0.0.1:8474' })).toEqual({
      kind: 'external',
      url: 'http://127.0.0.1:8474',
    });
    await expect(openToxiproxy({ kind: 'external', url: 'http://127.0.0.1:1' })).rejects.toThrow(/no Toxiproxy answers/);
  });

  it('`chaoslab proxy` runs standalone with a config, logs one line, and exits cleanly on SIGTERM', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'chaoslab-proxy-'));
    dirs.push(dir);
    const config = join(dir, 'proxies.json');
    await writeFile(config, JSON.stringify([{ name: 'from_config', listen: '127.0.0.1:0', upstream: '127.0.0.1:9' }]));
    const child = spawn(process.execPath, ['harness/cli/bin.mjs', 'proxy', '--port', '0', '--seed', '11', '--config', config], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(child);
    let output = '';
    for await (const chunk of child.stdout!) {
      output += String(chunk);
      if (output.includes('\n')) break;
    }
    const url = /API on (http:\/\/127\.0\.0\.1:\d+)/.exec(output)![1]!;
    expect(output).toContain('seed 11');
    const proxies = (await (await fetch(`${url}/proxies`)).json()) as Record<string, unknown>;
    expect(Object.keys(proxies)).toEqual(['from_config']);
    child.kill('SIGTERM');
    const [code] = await once(child, 'exit');
    expect(code).toBe(0);
  });

  it('`chaoslab proxy` refuses a bad config file with a clear message', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'chaoslab-proxy-'));
    dirs.push(dir);
    const config = join(dir, 'bad.json');
    await writeFile(config, JSON.stringify([{ listen: '127.0.0.1:0' }]));
    const child = spawn(process.execPath, ['harness/cli/bin.mjs', 'proxy', '--port', '0', '--config', config], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(child);
    let errors = '';
    child.stderr!.on('data', (chunk) => (errors += String(chunk)));
    const [code] = await once(child, 'exit');
    expect(code).not.toBe(0);
    expect(errors).toContain('missing required field: name at proxy 1');
  });
});
