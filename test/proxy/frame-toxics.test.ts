import { afterEach, describe, expect, it } from 'vitest';
import { encodeFrame, FrameDecoder, type DecodeResult } from '../../nodes/wire/frame.ts';
import { sleep } from '../helpers/wait.ts';
import { addToxic, Fixtures, type Received, updateToxic } from './fixtures.ts';

const fixtures = new Fixtures();
afterEach(() => fixtures.close());

const echoThroughProxy = (seed = 1) => fixtures.echoThroughProxy({ name: 'link_a_b', seed });

const frames = (count: number) => Array.from({ length: count }, (_, seq) => encodeFrame({ type: 'msg', id: { from: 'a', seq } }));
const all = (list: Buffer[]) => Buffer.concat(list);

/**
 * Waits until no more bytes come for a while, then decodes everything received. With a `control` (a client of
 * the toxic-free sibling proxy, written after the client), the wait also lasts until the control's `length`
 * bytes came back: proof that the wait was long enough to see what the toxic let through.
 */
async function decodeWhenQuiet(client: Received, control?: { client: Received; length: number }): Promise<DecodeResult[]> {
  if (control) await control.client.until(control.length);
  let last = -1;
  while (client.bytes.length !== last) {
    last = client.bytes.length;
    await sleep(150);
  }
  return new FrameDecoder().push(client.bytes);
}
const seqs = (results: DecodeResult[]) => results.map((r) => (r.ok ? (r.message as { id: { seq: number } }).id.seq : -1));

describe('frame-aware toxics on real frames', () => {
  it('drop_frames with probability 1 loses every message, with 0 none', async () => {
    const { proxy, connect, control } = await echoThroughProxy();
    const toxic = await addToxic(proxy, { type: 'drop_frames', stream: 'upstream', attributes: { probability: 1 } });
    const client = await connect();
    const spared = await control();
    client.socket.write(all(frames(5)));
    spared.socket.write(all(frames(5)));
    expect(await decodeWhenQuiet(client, { client: spared, length: all(frames(5)).length })).toEqual([]);
    await updateToxic(toxic, { attributes: { probability: 0 } });
    client.socket.write(all(frames(5)));
    expect(seqs(await decodeWhenQuiet(client))).toEqual([0, 1, 2, 3, 4]);
  });

  it('drop_frames with probability p loses about p of the messages, the same ones for the same seed', async () => {
    const lost = async (seed: number) => {
      const { proxy, connect } = await echoThroughProxy(seed);
      await addToxic(proxy, { type: 'drop_frames', stream: 'downstream', attributes: { probability: 0.25 } });
      const client = await connect();
      // Written in small pieces, so frames straddle TCP chunks.
      const bytes = all(frames(200));
      for (let i = 0; i < bytes.length; i += 37) client.socket.write(bytes.subarray(i, i + 37));
      const received = await decodeWhenQuiet(client);
      expect(received.every((r) => r.ok)).toBe(true);
      const kept = new Set(seqs(received));
      return Array.from({ length: 200 }, (_, i) => i).filter((i) => !kept.has(i));
    };
    const first = await lost(7);
    expect(first.length).toBeGreaterThanOrEqual(25);
    expect(first.length).toBeLessThanOrEqual(75);
    await fixtures.close();
    expect(await lost(7)).toEqual(first);
  });

  it('duplicate_frames delivers each message twice', async () => {
    const { proxy, connect } = await echoThroughProxy();
    await addToxic(proxy, { type: 'duplicate_frames', stream: 'upstream', attributes: { probability: 1 } });
    const client = await connect();
    client.socket.write(all(frames(3)));
    expect(seqs(await decodeWhenQuiet(client))).toEqual([0, 0, 1, 1, 2, 2]);
  });

  it('corrupt_frames flips bits the CRC catches, and the stream stays in step', async () => {
    const { proxy, connect } = await echoThroughProxy();
    const toxic = await addToxic(proxy, { type: 'corrupt_frames', stream: 'upstream', attributes: { probability: 1 } });
    const client = await connect();
    client.socket.write(all(frames(4)));
    // Corruption keeps every byte: all four frames went through the toxic once their length came back.
    await client.until(all(frames(4)).length);
    await toxic.remove();
    client.socket.write(all(frames(2)));
    const results = await decodeWhenQuiet(client);
    expect(results.slice(0, 4).map((r) => (r.ok ? 'ok' : r.reason))).toEqual(['corrupt', 'corrupt', 'corrupt', 'corrupt']);
    expect(seqs(results.slice(4))).toEqual([0, 1]);
  });

  it('delay_frames reorders messages within the window and loses none', async () => {
    const { proxy, connect } = await echoThroughProxy(3);
    await addToxic(proxy, { type: 'delay_frames', stream: 'upstream', attributes: { probability: 0.3, window: 2, max_delay: 200 } });
    const client = await connect();
    client.socket.write(all(frames(50)));
    const order = seqs(await decodeWhenQuiet(client));
    expect([...order].sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(order).not.toEqual(Array.from({ length: 50 }, (_, i) => i));
  });

  it('a frame toxic added in the middle of a frame lets that frame finish and acts from the next one', async () => {
    const { proxy, connect, control } = await echoThroughProxy();
    const client = await connect();
    const spared = await control();
    const [first, second] = frames(2) as [Buffer, Buffer];
    client.socket.write(first.subarray(0, 5)); // inside the header
    // Echoed back means those bytes went through the upstream direction before the toxic joins it.
    await client.until(5);
    await addToxic(proxy, { type: 'drop_frames', stream: 'upstream', attributes: { probability: 1 } });
    client.socket.write(Buffer.concat([first.subarray(5), second]));
    spared.socket.write(second);
    expect(seqs(await decodeWhenQuiet(client, { client: spared, length: second.length }))).toEqual([0]);
  });

  it('a frame toxic added after thousands of small frames passed with no toxic finds the next boundary', async () => {
    const { proxy, connect } = await echoThroughProxy();
    const client = await connect();
    const list = frames(2003);
    const before = Buffer.concat([all(list.slice(0, 2000)), list[2000]!.subarray(0, 13)]);
    for (let i = 0; i < before.length; i += 4093) client.socket.write(before.subarray(i, i + 4093));
    // Echoed back means every byte went through the upstream direction before the toxic joins it.
    await client.until(before.length);
    await addToxic(proxy, { type: 'drop_frames', stream: 'upstream', attributes: { probability: 1 } });
    client.socket.write(Buffer.concat([list[2000]!.subarray(13), all(list.slice(2001))]));
    const received = await decodeWhenQuiet(client);
    expect(received.every((r) => r.ok)).toBe(true);
    expect(seqs(received)).toEqual(Array.from({ length: 2001 }, (_, i) => i));
  });

  it('a frame toxic on a stream that is not frames passes every byte as it is', async () => {
    const { proxy, connect } = await echoThroughProxy();
    const client = await connect();
    client.socket.write(Buffer.alloc(50_000));
    await client.until(50_000);
    await addToxic(proxy, { type: 'drop_frames', stream: 'upstream', attributes: { probability: 1 } });
    client.socket.write(Buffer.concat([Buffer.alloc(50_000), all(frames(3))]));
    const bytes = await client.until(100_000 + all(frames(3)).length);
    expect(bytes.equals(Buffer.concat([Buffer.alloc(100_000), all(frames(3))]))).toBe(true);
  });
});
