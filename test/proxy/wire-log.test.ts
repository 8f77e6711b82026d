import { afterEach, describe, expect, it } from 'vitest';
import { encodeFrame } from '../../nodes/wire/frame.ts';
import { WIRE_LOG_LIMIT, WireLog, WireTap, type WireEvent } from '../../harness/proxy/wire-log.ts';
import { addToxic, Fixtures, portOf, Received } from './fixtures.ts';

const fixtures = new Fixtures();
afterEach(() => fixtures.close());

const call = (seq: number) =>
  encodeFrame({ type: 'call', rid: seq + 1, call: { service: 'log', proc: 'append', args: { id: `op-${seq}` }, key: { from: 'a', seq } } });

/** Echo upstream: every call comes back on the downstream as its "reply", with the same rid. */
async function recordedEcho(toxic: { type: string; stream: 'upstream' | 'downstream' }) {
  const { server, client } = await fixtures.proxyServer(1);
  const wire = await fetch(`${server.url}/chaoslab/wire`, { method: 'POST' });
  expect(wire.status).toBe(204);
  const upstream = await fixtures.echo();
  const proxy = await client.createProxy({ name: 'link_a_b', listen: '127.0.0.1:0', upstream: `127.0.0.1:${upstream}` });
  await addToxic(proxy, { name: 'lose', type: toxic.type, stream: toxic.stream, attributes: { probability: 1 } });
  const received = new Received(await fixtures.connect(portOf(proxy.listen)));
  return { server, received };
}

async function eventsUntil(url: string, done: (events: WireEvent[]) => boolean): Promise<WireEvent[]> {
  const events: WireEvent[] = [];
  for (let i = 0; i < 100 && !done(events); i++) {
    const body = (await (await fetch(`${url}/chaoslab/wire`)).json()) as { events: WireEvent[] };
    events.push(...body.events);
    if (!done(events)) await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return events;
}

describe("the proxy's wire log", () => {
  it('records each frame sent and delivered, labelled with its op and key, and which toxic dropped a reply', async () => {
    const { server, received } = await recordedEcho({ type: 'drop_frames', stream: 'downstream' });
    received.socket.write(Buffer.concat([call(0), call(1)]));
    const events = await eventsUntil(server.url, (e) => e.filter((x) => x.event === 'dropped').length === 2);
    // Frames that arrive in one chunk all enter before the first leaves: compare frame by frame.
    const byFrame = (list: WireEvent[]) => [...list].sort((a, b) => a.frame - b.frame);
    const upstream = byFrame(events.filter((e) => e.stream === 'upstream'));
    expect(upstream.map((e) => [e.event, e.frame, e.op, e.key?.seq])).toEqual([
      ['sent', 0, 'op-0', 0],
      ['delivered', 0, 'op-0', 0],
      ['sent', 1, 'op-1', 1],
      ['delivered', 1, 'op-1', 1],
    ]);
    const downstream = byFrame(events.filter((e) => e.stream === 'downstream'));
    expect(downstream.map((e) => [e.event, e.frame, e.rid, e.toxic])).toEqual([
      ['sent', 0, 1, undefined],
      ['dropped', 0, 1, 'lose'],
      ['sent', 1, 2, undefined],
      ['dropped', 1, 2, 'lose'],
    ]);
    expect(events.every((e) => e.proxy === 'link_a_b' && e.connection === 0 && e.bytes === call(0).length)).toBe(true);
  });

  it('matches a duplicate copy to the frame it copies', async () => {
    const { server, received } = await recordedEcho({ type: 'duplicate_frames', stream: 'upstream' });
    received.socket.write(call(0));
    const events = await eventsUntil(server.url, (e) => e.filter((x) => x.stream === 'upstream' && x.event === 'delivered').length === 2);
    expect(events.filter((e) => e.stream === 'upstream').map((e) => [e.event, e.frame])).toEqual([
      ['sent', 0],
      ['duplicated', 0],
      ['delivered', 0],
      ['delivered', 0],
    ]);
  });

  it('stops at its limit and says it was cut', () => {
    const log = new WireLog();
    const tap = new WireTap(log, { proxy: 'link_a_b', stream: 'upstream', connection: 0 });
    for (let i = 0; i < WIRE_LOG_LIMIT / 2; i++) {
      tap.in(call(i));
      tap.out(call(i));
    }
    expect(log.full).toBe(true);
    tap.in(call(0));
    const taken = log.take();
    expect(taken.events).toHaveLength(WIRE_LOG_LIMIT);
    expect(taken.truncated).toBe(true);
    expect(log.take()).toEqual({ events: [], truncated: false });
  });

  it('records nothing until asked', async () => {
    const { server } = await fixtures.proxyServer(1);
    const body = (await (await fetch(`${server.url}/chaoslab/wire`)).json()) as { recording: boolean; events: unknown[] };
    expect(body).toEqual({ recording: false, events: [], truncated: false });
  });
});
