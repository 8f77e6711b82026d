import { describe, expect, it } from 'vitest';
import type { Socket } from '../../nodes/env/index.ts';
import { seededRandom } from '../../nodes/random.ts';
import { Scheduler } from '../../harness/sim/scheduler.ts';
import { SimNetwork } from '../../harness/sim/network.ts';

function world(seed = 1) {
  const scheduler = new Scheduler();
  return { scheduler, network: new SimNetwork(scheduler, seededRandom(seed)) };
}

const closed = (socket: Socket) => new Promise<void>((resolve) => socket.once('close', resolve));

describe('the simulated network', () => {
  it('carries bytes in order both ways, with a delay, and closes both sides on end', async () => {
    const { scheduler, network } = world();
    const server = network.view('s');
    const received: string[] = [];
    const listener = await server.listen({ host: 'h', port: 7 }, (socket) => {
      socket.on('data', (chunk) => {
        received.push(chunk.toString());
        socket.write(Buffer.from(`echo ${chunk}`));
      });
    });
    expect(listener.port).toBe(7);
    const client = network.view('c').connect({ host: 'h', port: 7 });
    const echoes: string[] = [];
    client.on('data', (chunk) => echoes.push(chunk.toString()));
    const run = (async () => {
      await new Promise<void>((resolve) => client.once('connect', resolve));
      const at = scheduler.now;
      for (const word of ['one', 'two', 'three']) client.write(Buffer.from(word));
      while (echoes.length < 3) await new Promise<void>((resolve) => client.once('data' as 'connect', resolve));
      expect(scheduler.now).toBeGreaterThan(at);
      client.end();
      await closed(client);
    })();
    await scheduler.run(run, 1_000);
    expect(received).toEqual(['one', 'two', 'three']);
    expect(echoes).toEqual(['echo one', 'echo two', 'echo three']);
  });

  it('refuses a connection nobody listens for, and a taken address', async () => {
    const { scheduler, network } = world();
    const client = network.view('c').connect({ host: 'h', port: 9 });
    const error = new Promise<Error>((resolve) => client.once('error', resolve));
    expect((await scheduler.run(error, 1_000)).message).toMatch(/ECONNREFUSED/);
    await network.view('a').listen({ host: 'h', port: 9 }, () => {});
    await expect(network.view('b').listen({ host: 'h', port: 9 }, () => {})).rejects.toThrow(/EADDRINUSE/);
  });

  it("a host's crash closes its listener and resets its connections: the peer sees them close", async () => {
    const { scheduler, network } = world();
    const server = network.view('s');
    await server.listen({ host: 'h', port: 1 }, () => {});
    const client = network.view('c').connect({ host: 'h', port: 1 });
    const run = (async () => {
      await new Promise<void>((resolve) => client.once('connect', resolve));
      server.stop();
      await closed(client);
      const again = network.view('c').connect({ host: 'h', port: 1 });
      return new Promise<Error>((resolve) => again.once('error', resolve));
    })();
    expect((await scheduler.run(run, 1_000)).message).toMatch(/ECONNREFUSED/);
  });

  it('one seed, one timing: the same exchange arrives at the same virtual times', async () => {
    const times = async (seed: number) => {
      const { scheduler, network } = world(seed);
      const arrivals: number[] = [];
      await network.view('s').listen({ host: 'h', port: 1 }, (socket) => socket.on('data', () => arrivals.push(scheduler.now)));
      const client = network.view('c').connect({ host: 'h', port: 1 });
      const run = (async () => {
        await new Promise<void>((resolve) => client.once('connect', resolve));
        for (let i = 0; i < 5; i++) client.write(Buffer.from([i]));
        while (arrivals.length < 5) await new Promise<void>((resolve) => scheduler.after(1, resolve));
      })();
      await scheduler.run(run, 1_000);
      return arrivals;
    };
    expect(await times(3)).toEqual(await times(3));
    expect(await times(3)).not.toEqual(await times(4));
  });

  it('a frozen host receives nothing until it thaws; then everything, in order', async () => {
    const { scheduler, network } = world();
    const server = network.view('s');
    const received: { at: number; text: string }[] = [];
    await server.listen({ host: 'h', port: 1 }, (socket) => socket.on('data', (chunk) => received.push({ at: scheduler.now, text: chunk.toString() })));
    const client = network.view('c').connect({ host: 'h', port: 1 });
    const run = (async () => {
      await new Promise<void>((resolve) => client.once('connect', resolve));
      server.freeze();
      client.write(Buffer.from('one'));
      client.write(Buffer.from('two'));
      await new Promise<void>((resolve) => scheduler.after(10, resolve));
      expect(received).toEqual([]);
      server.thaw();
      await new Promise<void>((resolve) => scheduler.after(1, resolve));
    })();
    await scheduler.run(run, 1_000);
    expect(received.map((r) => r.text)).toEqual(['one', 'two']);
    expect(received[0]!.at).toBeGreaterThanOrEqual(10);
  });
});

