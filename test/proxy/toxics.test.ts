import { afterEach, describe, expect, it } from 'vitest';
import { sleep } from '../helpers/wait.ts';
import { addToxic, Fixtures, portOf, Received, updateProxy, updateToxic } from './fixtures.ts';

const fixtures = new Fixtures();
afterEach(() => fixtures.close());

const echoThroughProxy = () => fixtures.echoThroughProxy();

const pattern = (length: number) => Buffer.from(Array.from({ length }, (_, i) => i % 251));

describe('standard toxics on real TCP traffic', () => {
  it('latency delays the answer by about the latency', async () => {
    const { proxy, connect } = await echoThroughProxy();
    await addToxic(proxy, { type: 'latency', stream: 'downstream', attributes: { latency: 300, jitter: 0 } });
    const client = await connect();
    const started = Date.now();
    client.socket.write('ping');
    await client.until(4);
    const elapsed = Date.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(290);
    expect(elapsed).toBeLessThan(1500);
  });

  it('bandwidth limits the rate', async () => {
    const { proxy, connect } = await echoThroughProxy();
    await addToxic(proxy, { type: 'bandwidth', stream: 'downstream', attributes: { rate: 100 } });
    const client = await connect();
    const started = Date.now();
    client.socket.write(pattern(50_000)); // 50 KB at 100 KB/s: about 500 ms
    const bytes = await client.until(50_000);
    const elapsed = Date.now() - started;
    expect(bytes.equals(pattern(50_000))).toBe(true);
    expect(elapsed).toBeGreaterThanOrEqual(400);
    expect(elapsed).toBeLessThan(3000);
  });

  it('timeout holds all data and closes the connection after the timeout', async () => {
    const { proxy, connect } = await echoThroughProxy();
    await addToxic(proxy, { type: 'timeout', stream: 'upstream', attributes: { timeout: 400 } });
    const client = await connect();
    const started = Date.now();
    client.socket.write('lost');
    expect(await client.closedWithin(5000)).toBe(true);
    expect(Date.now() - started).toBeGreaterThanOrEqual(350);
    expect(client.bytes.length).toBe(0);
  });

  it('timeout 0 holds data until removed; removing it closes the connections it held, and new ones flow', async () => {
    const { proxy, connect, control } = await echoThroughProxy();
    const toxic = await addToxic(proxy, { type: 'timeout', stream: 'upstream', attributes: { timeout: 0 } });
    const client = await connect();
    const spared = await control();
    client.socket.write('dropped');
    spared.socket.write('control');
    expect(await client.closedWithin(800)).toBe(false);
    // Positive control: in the same wait, the same bytes through a toxic-free proxy came back.
    expect(spared.bytes.toString()).toBe('control');
    expect(client.bytes.length).toBe(0);
    await toxic.remove();
    // The request was lost: a connection left open would wait for its reply forever (Toxiproxy closes it).
    expect(await client.closedWithin(5000)).toBe(true);
    expect(client.ended).toBe('end');
    expect(client.bytes.length).toBe(0);
    const fresh = await connect();
    fresh.socket.write('after');
    expect((await fresh.until(5)).toString()).toBe('after');
  });

  it('removing a timeout toxic ends both sides with EOF, client and upstream (Toxiproxy TestTimeoutToxicClosesConnectionOnRemove)', async () => {
    const { client: toxiproxy } = await fixtures.proxyServer();
    let upstreamEnded!: () => void;
    const ended = new Promise<void>((resolve) => (upstreamEnded = resolve));
    const upstream = await fixtures.listen((socket) => {
      socket.on('data', (bytes) => socket.write(bytes));
      socket.on('end', () => upstreamEnded());
    });
    const proxy = await toxiproxy.createProxy({ name: 'both', listen: '127.0.0.1:0', upstream: `127.0.0.1:${upstream}` });
    const client = new Received(await fixtures.connect(portOf(proxy.listen)));
    client.socket.write('foobar');
    await client.until(6);
    const toxic = await addToxic(proxy, { type: 'timeout', stream: 'upstream', attributes: { timeout: 0 } });
    await toxic.remove();
    expect(await Promise.race([ended.then(() => true), sleep(5000).then(() => false)])).toBe(true);
    expect(await client.closedWithin(5000)).toBe(true);
    expect(client.ended).toBe('end');
  });

  it('removing a timeout toxic closes every connection it met, as Toxiproxy does, even where its toxicity spared it', async () => {
    const { proxy, connect } = await echoThroughProxy();
    const toxic = await addToxic(proxy, { type: 'timeout', stream: 'downstream', toxicity: 0, attributes: { timeout: 0 } });
    const client = await connect();
    client.socket.write('spared');
    expect((await client.until(6)).toString()).toBe('spared');
    await toxic.remove();
    expect(await client.closedWithin(5000)).toBe(true);
  });

  it('removing another toxic, or changing a timeout toxic, closes nothing', async () => {
    const { proxy, connect } = await echoThroughProxy();
    const latency = await addToxic(proxy, { type: 'latency', stream: 'downstream', attributes: { latency: 1 } });
    const timeout = await addToxic(proxy, { type: 'timeout', stream: 'upstream', toxicity: 0, attributes: { timeout: 0 } });
    const client = await connect();
    await latency.remove();
    await updateToxic(timeout, { toxicity: 1e-9 });
    await updateToxic(timeout, { attributes: { timeout: 0 } });
    client.socket.write('still open');
    expect((await client.until(10)).toString()).toBe('still open');
    expect(client.ended).toBe('open');
  });

  it('noop passes every byte and the end of the stream', async () => {
    const { client: toxiproxy } = await fixtures.proxyServer();
    const upstream = await fixtures.listen((socket) => socket.end('answer'));
    const proxy = await toxiproxy.createProxy({ name: 'quiet', listen: '127.0.0.1:0', upstream: `127.0.0.1:${upstream}` });
    const toxic = await addToxic(proxy, { type: 'noop', stream: 'downstream' });
    expect(toxic.toJson()).toEqual({ attributes: {}, name: 'noop_downstream', type: 'noop', stream: 'downstream', toxicity: 1 });
    const client = new Received(await fixtures.connect(portOf(proxy.listen)));
    expect(await client.closedWithin(5000)).toBe(true);
    expect(client.ended).toBe('end');
    expect(client.bytes.toString()).toBe('answer');
  });

  it('reset_peer resets the connection', async () => {
    const { proxy, connect } = await echoThroughProxy();
    await addToxic(proxy, { type: 'reset_peer', stream: 'upstream', attributes: { timeout: 100 } });
    const client = await connect();
    client.socket.write('boom');
    expect(await client.closedWithin(5000)).toBe(true);
    expect(client.ended).toBe('error');
    expect(client.error?.code).toBe('ECONNRESET');
  });

  it('limit_data lets exactly that many bytes through, then closes', async () => {
    const { proxy, connect } = await echoThroughProxy();
    await addToxic(proxy, { type: 'limit_data', stream: 'downstream', attributes: { bytes: 1000 } });
    const client = await connect();
    client.socket.write(pattern(3000));
    expect(await client.closedWithin(5000)).toBe(true);
    expect(client.bytes.equals(pattern(1000))).toBe(true);
  });

  it('slicer delivers the same bytes in many pieces', async () => {
    const { proxy, connect } = await echoThroughProxy();
    await addToxic(proxy, {
      type: 'slicer',
      stream: 'downstream',
      attributes: { average_size: 100, size_variation: 40, delay: 1000 },
    });
    const client = await connect();
    client.socket.write(pattern(5000));
    const bytes = await client.until(5000);
    expect(bytes.equals(pattern(5000))).toBe(true);
    expect(client.chunks.length).toBeGreaterThanOrEqual(10);
    expect(Math.max(...client.chunks.map((c) => c.bytes.length))).toBeLessThanOrEqual(140 * 5);
  });

  it('slow_close delays the close of the connection', async () => {
    const { client: toxiproxy } = await fixtures.proxyServer();
    // An upstream that answers and then closes at once.
    const upstream = await fixtures.listen((socket) => socket.end('bye'));
    const proxy = await toxiproxy.createProxy({ name: 'closer', listen: '127.0.0.1:0', upstream: `127.0.0.1:${upstream}` });
    await addToxic(proxy, { type: 'slow_close', stream: 'downstream', attributes: { delay: 500 } });
    const started = Date.now();
    const client = new Received(await fixtures.connect(portOf(proxy.listen)));
    expect(await client.closedWithin(5000)).toBe(true);
    expect(client.bytes.toString()).toBe('bye');
    expect(Date.now() - started).toBeGreaterThanOrEqual(450);
  });

  it('toxicity 0 never applies and 1 always applies', async () => {
    const { proxy, connect, control } = await echoThroughProxy();
    const toxic = await addToxic(proxy, { type: 'timeout', stream: 'upstream', toxicity: 0, attributes: { timeout: 0 } });
    for (let i = 0; i < 5; i++) {
      const client = await connect();
      client.socket.write('x');
      expect((await client.until(1)).toString()).toBe('x');
      client.socket.destroy();
    }
    await updateToxic(toxic, { toxicity: 1 });
    for (let i = 0; i < 3; i++) {
      const client = await connect();
      const spared = await control();
      client.socket.write('x');
      spared.socket.write('x');
      await sleep(150);
      expect(spared.bytes.toString()).toBe('x');
      expect(client.bytes.length).toBe(0);
      client.socket.destroy();
    }
  });

  it('toxicity p applies to about p of the connections, the same ones for the same seed', async () => {
    const affected = async (seed: number) => {
      const { proxy, connect, control } = await fixtures.echoThroughProxy({ seed });
      await addToxic(proxy, { type: 'timeout', stream: 'upstream', toxicity: 0.3, attributes: { timeout: 0 } });
      const hit: number[] = [];
      const clients: Received[] = [];
      // Connections are numbered in the order the proxy accepts them: open them one after the other.
      for (let i = 0; i < 60; i++) clients.push(await connect());
      const spared = await control();
      for (const client of clients) client.socket.write('x');
      spared.socket.write('x');
      await sleep(400);
      // Positive control: a connection written last, through a toxic-free proxy, got its echo in the same wait.
      expect(spared.bytes.toString()).toBe('x');
      clients.forEach((client, i) => client.bytes.length === 0 && hit.push(i));
      for (const client of clients) client.socket.destroy();
      await proxy.remove();
      return hit;
    };
    const first = await affected(42);
    expect(first.length).toBeGreaterThanOrEqual(8);
    expect(first.length).toBeLessThanOrEqual(30);
    expect(await affected(42)).toEqual(first);
    expect(await affected(43)).not.toEqual(first);
  });

  it('a disabled proxy closes its connections and refuses new ones; enabled again, it listens on the same port', async () => {
    const { proxy, connect } = await echoThroughProxy();
    const client = await connect();
    client.socket.write('a');
    await client.until(1);
    const disabled = await updateProxy(proxy, { enabled: false });
    expect(await client.closedWithin(3000)).toBe(true);
    await expect(fixtures.connect(portOf(proxy.listen))).rejects.toThrow(/ECONNREFUSED/);
    const enabled = await updateProxy(disabled, { enabled: true });
    expect(enabled.listen).toBe(proxy.listen);
    const again = await connect();
    again.socket.write('b');
    expect((await again.until(1)).toString()).toBe('b');
  });

  it('adding, updating and removing toxics on a live connection drops no byte', async () => {
    const { proxy, connect } = await echoThroughProxy();
    const client = await connect();
    const total = 400_000;
    const data = pattern(total);
    let sent = 0;
    const sender = (async () => {
      while (sent < total) {
        client.socket.write(data.subarray(sent, sent + 4000));
        sent += 4000;
        await sleep(2);
      }
    })();
    for (let round = 0; round < 4; round++) {
      const latency = await addToxic(proxy, { name: 'lat', type: 'latency', stream: 'downstream', attributes: { latency: 20, jitter: 10 } });
      const slicer = await addToxic(proxy, { name: 'cut', type: 'slicer', stream: 'upstream', attributes: { average_size: 500, size_variation: 100, delay: 0 } });
      await sleep(30);
      await updateToxic(latency, { attributes: { latency: 5 } });
      const bandwidth = await addToxic(proxy, { name: 'bw', type: 'bandwidth', stream: 'downstream', attributes: { rate: 2000 } });
      await sleep(30);
      await latency.remove();
      await sleep(10);
      await bandwidth.remove();
      await slicer.remove();
    }
    await sender;
    const bytes = await client.until(total, 20_000);
    expect(bytes.length).toBe(total);
    expect(bytes.equals(data)).toBe(true);
  });
});
