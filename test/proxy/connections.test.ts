import { afterEach, describe, expect, it } from 'vitest';
import { reservePort } from '../../harness/backends/ports.ts';
import { Fixtures, portOf, Received } from './fixtures.ts';

const fixtures = new Fixtures();
afterEach(() => fixtures.close());

describe('connections through a proxy without toxics', () => {
  it('carries a half-close: the client ends its side and still gets the answer', async () => {
    const { client } = await fixtures.proxyServer();
    // Answers with the byte count once the client has finished sending.
    const upstream = await fixtures.listen((socket) => {
      let bytes = 0;
      socket.on('data', (chunk: Buffer) => (bytes += chunk.length));
      socket.on('end', () => socket.end(String(bytes)));
    });
    const proxy = await client.createProxy({ name: 'count', listen: '127.0.0.1:0', upstream: `127.0.0.1:${upstream}` });
    const received = new Received(await fixtures.connect(portOf(proxy.listen)));
    received.socket.end(Buffer.alloc(300_000, 1));
    expect(await received.closedWithin(10_000)).toBe(true);
    expect(received.bytes.toString()).toBe('300000');
  });

  it('closes the client connection when the upstream refuses', async () => {
    const { client } = await fixtures.proxyServer();
    const proxy = await client.createProxy({ name: 'nowhere', listen: '127.0.0.1:0', upstream: `127.0.0.1:${await reservePort()}` });
    const received = new Received(await fixtures.connect(portOf(proxy.listen)));
    expect(await received.closedWithin(5000)).toBe(true);
    expect(received.bytes.length).toBe(0);
  });

  it('deleting a proxy closes its connections and frees its port', async () => {
    const { client } = await fixtures.proxyServer();
    const upstream = await fixtures.echo();
    const proxy = await client.createProxy({ name: 'gone', listen: '127.0.0.1:0', upstream: `127.0.0.1:${upstream}` });
    const received = new Received(await fixtures.connect(portOf(proxy.listen)));
    await proxy.remove();
    expect(await received.closedWithin(5000)).toBe(true);
    const reused = await client.createProxy({ name: 'again', listen: proxy.listen, upstream: `127.0.0.1:${upstream}` });
    expect(reused.listen).toBe(proxy.listen);
  });

  it('moving a proxy to another listen address restarts it there', async () => {
    const { server, client } = await fixtures.proxyServer();
    const upstream = await fixtures.echo();
    const proxy = await client.createProxy({ name: 'mover', listen: '127.0.0.1:0', upstream: `127.0.0.1:${upstream}` });
    const response = await fetch(`${server.url}/proxies/mover`, { method: 'PATCH', body: JSON.stringify({ listen: '127.0.0.1:0' }) });
    const moved = (await response.json()) as { listen: string };
    expect(moved.listen).not.toBe(proxy.listen);
    await expect(fixtures.connect(portOf(proxy.listen))).rejects.toThrow(/ECONNREFUSED/);
    const received = new Received(await fixtures.connect(portOf(moved.listen)));
    received.socket.write('here');
    expect((await received.until(4)).toString()).toBe('here');
  });
});
