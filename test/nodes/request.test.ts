import { createServer, type Server } from 'node:net';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { reservePort } from '../../harness/backends/ports.ts';
import { NodeClient } from '../../nodes/client.ts';
import { ConnectionLost, NotSent, RemoteError, Timeout } from '../../nodes/errors.ts';
import { setLogSink } from '../../nodes/log.ts';
import { Node } from '../../nodes/node.ts';

// Request/answer, the base RPC is built on, between nodes embedded in this process (still real TCP sockets).

const lines: Record<string, unknown>[] = [];
beforeAll(() => setLogSink((text) => lines.push(...text.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>))));

const started: Node[] = [];
const servers: Server[] = [];
async function node(id: string, config: Record<string, unknown> = {}): Promise<Node> {
  const n = await Node.start({ id, port: 0, ...config });
  started.push(n);
  return n;
}
afterEach(async () => {
  await Promise.all(started.splice(0).map((n) => n.stop()));
  for (const s of servers.splice(0)) s.close();
});

describe('request / handle', () => {
  it('answers with the handler result, tagged with the request rid; the handler sees who asked', async () => {
    const server = await node('srv');
    server.handle('add', async (message, ctx) => ({ type: 'sum', sum: (message.a as number) + (message.b as number), peer: ctx.peer }));
    const caller = await node('caller', { peers: { srv: { host: '127.0.0.1', port: server.port } } });
    expect(await caller.request('srv', { type: 'add', a: 2, b: 3 })).toMatchObject({ type: 'sum', sum: 5, peer: 'caller', rid: expect.any(Number) });
    // The same connection is reused, and concurrent requests are matched to their own answers.
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => caller.request('srv', { type: 'add', a: i, b: 1 })));
    expect(answers.map((a) => (a as { sum: number }).sum)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(lines.filter((l) => l.node === 'caller' && l.event === 'connect')).toHaveLength(1);
  });

  it('turns an error answer into RemoteError with its code', async () => {
    const server = await node('srv2');
    server.handle('fail', () => {
      throw new Error('nope');
    });
    const client = await NodeClient.connect({ host: '127.0.0.1', port: server.port });
    await expect(client.request({ type: 'fail' })).rejects.toMatchObject({ name: 'RemoteError', code: 'handler-failed', message: 'nope' });
    await expect(client.request({ type: 'unserved' })).rejects.toBeInstanceOf(RemoteError);
    client.close();
  });

  it('says NotSent when the node cannot be reached or resolved', async () => {
    const port = await reservePort();
    const caller = await node('lonely', { peers: { gone: { host: '127.0.0.1', port } } });
    await expect(caller.request('gone', { type: 'x' })).rejects.toBeInstanceOf(NotSent);
    await expect(caller.request('unknown', { type: 'x' })).rejects.toBeInstanceOf(NotSent);
    await expect(NodeClient.connect({ host: '127.0.0.1', port })).rejects.toBeInstanceOf(NotSent);
  });

  it('says Timeout when no answer comes, and ConnectionLost when the connection dies after sending', async () => {
    const server = await node('slow');
    server.handle('never', () => new Promise(() => {}));
    const caller = await node('impatient', { peers: { slow: { host: '127.0.0.1', port: server.port } } });
    await expect(caller.request('slow', { type: 'never' }, { timeoutMs: 200 })).rejects.toBeInstanceOf(Timeout);

    // A peer that accepts, reads, and hangs up without answering.
    const port = await reservePort();
    const rude = createServer((socket) => socket.once('data', () => socket.destroy()));
    servers.push(rude);
    await new Promise<void>((resolve) => rude.listen(port, '127.0.0.1', resolve));
    caller.setResolver(async () => ({ host: '127.0.0.1', port }));
    await expect(caller.request('rude', { type: 'anything' }, { timeoutMs: 5_000 })).rejects.toBeInstanceOf(ConnectionLost);
  });

  it('lets an authenticator refuse a connection and reports it to the caller', async () => {
    const server = await node('guarded');
    server.setAuthenticator((hello) => (hello.credential === 'secret' ? { identity: `verified-${hello.node}` } : new Error('bad credential')));
    server.handle('whoami', (_message, ctx) => ({ type: 'you-are', peer: ctx.peer }));
    const address = { host: '127.0.0.1', port: server.port };
    const stranger = await NodeClient.connect(address);
    await expect(stranger.request({ type: 'whoami' })).rejects.toMatchObject({ code: 'unauthenticated' });
    const friend = await NodeClient.connect(address, { identity: 'friend', credential: 'secret' });
    expect(await friend.request({ type: 'whoami' })).toMatchObject({ peer: 'verified-friend' });
    friend.close();
  });

  it('sends to its own node id without TCP, and lets admission turn away duplicates', async () => {
    const solo = await node('solo');
    await solo.send({ node: 'solo', mbox: 'self' }, 'hello me');
    const delivery = await solo.receive('self', { timeoutMs: 1_000 });
    expect(delivery).toMatchObject({ body: 'hello me', from: 'solo' });
    await delivery.done();
    expect(lines.filter((l) => l.node === 'solo' && l.event === 'connect')).toHaveLength(0);

    const seen = new Set<string>();
    solo.setAdmission((message) => {
      const key = `${message.id.from}:${message.id.seq}`;
      if (seen.has(key)) return 'duplicate';
      seen.add(key);
      return 'deliver';
    });
    const client = await NodeClient.connect({ host: '127.0.0.1', port: solo.port });
    const id = await client.send('box', 'once');
    await client.send('box', 'once', { id });
    await (await solo.receive('box', { timeoutMs: 1_000 })).done();
    await expect(solo.receive('box', { timeoutMs: 200 })).rejects.toMatchObject({ code: 'receive-timeout' });
    client.close();
  });

  it('survives a hook that throws, and refuses bad send calls with a clear error', async () => {
    const fragile = await node('fragile');
    fragile.setAdmission(() => {
      throw new Error('admission exploded');
    });
    const client = await NodeClient.connect({ host: '127.0.0.1', port: fragile.port });
    await expect(client.send('box', 'x')).rejects.toMatchObject({ code: 'internal', message: 'admission exploded' });
    expect(await client.request({ type: 'ping' })).toMatchObject({ type: 'pong' });
    client.close();
    await expect(fragile.send({ node: '', mbox: 'x' }, 1)).rejects.toThrow(/'to' must be/);
    await expect(fragile.send({ node: 'fragile', mbox: 'x' }, 1, { until: 'later' as never })).rejects.toThrow(/'until'/);
  });

  it('bounds the number of mailboxes a remote sender can create', async () => {
    const crowded = await node('crowded');
    for (let i = 0; i < 10_000; i++) crowded.mailbox(`m${i}`);
    const client = await NodeClient.connect({ host: '127.0.0.1', port: crowded.port });
    await expect(client.send('one-too-many', 'x')).rejects.toMatchObject({ code: 'too-many-mailboxes' });
    await client.send('m42', 'still fine');
    client.close();
  });

  it('answers internal when a handler returns what JSON cannot carry', async () => {
    const sloppy = await node('sloppy');
    sloppy.handle('big', () => ({ type: 'big', n: 10n }));
    const client = await NodeClient.connect({ host: '127.0.0.1', port: sloppy.port });
    await expect(client.request({ type: 'big' })).rejects.toMatchObject({ code: 'internal' });
    await expect(sloppy.send({ node: 'sloppy', mbox: 'm' }, { n: 1n })).rejects.toThrow(TypeError);
    client.close();
  });
});
