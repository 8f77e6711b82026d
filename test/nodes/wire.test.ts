import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { NodeClient } from '../../nodes/client.ts';
import { ReceiveTimeout } from '../../nodes/errors.ts';
import { crc32c } from '../../nodes/wire/crc32c.ts';
import { encodeFrame, HEADER_BYTES } from '../../nodes/wire/frame.ts';
import { startNode, stopAllNodes, type NodeProcess } from '../helpers/node-process.ts';
import { seededRandom } from '../../nodes/random.ts';

// Bad bytes on the wire, sent over raw sockets to a real node process: nothing partial, corrupt, oversize or
// malformed is ever delivered, and the node keeps serving.

afterEach(stopAllNodes);

function rawSocket(node: NodeProcess): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(node.port, '127.0.0.1', () => resolve(socket));
    socket.once('error', reject);
  });
}

/** Resolves once the node closed the connection (reading what it sent, so its FIN is seen). */
const closed = (socket: Socket) =>
  new Promise<void>((resolve) => {
    if (socket.destroyed) return resolve();
    socket.once('close', () => resolve());
    socket.resume();
  });

function sendFrame(mbox: string, body: unknown, seq = 1) {
  return encodeFrame({ type: 'send', rid: seq, id: { from: 'raw', seq }, to: { mbox }, body });
}

function frameWithPayload(payload: Buffer): Buffer {
  const header = Buffer.alloc(HEADER_BYTES);
  header.writeUInt32BE(payload.length, 0);
  header.writeUInt32BE(crc32c(payload), 4);
  return Buffer.concat([header, payload]);
}

async function expectEmpty(client: NodeClient, mbox: string) {
  await expect(client.receive(mbox, { timeoutMs: 300 })).rejects.toBeInstanceOf(ReceiveTimeout);
}

describe('wire protocol against a node process', () => {
  it('never delivers a frame cut mid-way, and counts it as partial', async () => {
    const node = await startNode({ id: 'w1' });
    const socket = await rawSocket(node);
    const frame = sendFrame('box', { whole: false });
    socket.write(encodeFrame({ type: 'hello', node: 'raw' }));
    socket.write(frame.subarray(0, frame.length - 5));
    await new Promise((resolve) => setTimeout(resolve, 100));
    socket.destroy();
    await node.waitFor((l) => l.event === 'drop' && l.reason === 'partial');
    const client = await NodeClient.connect(node.address);
    await expectEmpty(client, 'box');
    client.close();
  });

  it('drops a frame with a flipped byte and keeps reading the stream after it', async () => {
    const node = await startNode({ id: 'w2' });
    const socket = await rawSocket(node);
    const corrupt = sendFrame('box', { flipped: true }, 1);
    corrupt[corrupt.length - 4]! ^= 0x20;
    socket.write(Buffer.concat([encodeFrame({ type: 'hello', node: 'raw' }), corrupt, sendFrame('box', { intact: true }, 2)]));
    const client = await NodeClient.connect(node.address);
    const delivery = await client.receive('box', { timeoutMs: 5_000 });
    expect(delivery.body).toEqual({ intact: true });
    await delivery.done();
    await expectEmpty(client, 'box');
    await node.waitForCount((l) => l.event === 'drop' && l.reason === 'corrupt', 1);
    expect(node.events('drop', (l) => l.reason === 'corrupt')).toHaveLength(1);
    client.close();
    socket.destroy();
  });

  it('refuses an oversize frame from its header, before the body, and closes that connection', async () => {
    const node = await startNode({ id: 'w3', args: ['--max-frame-bytes', '4096'] });
    const socket = await rawSocket(node);
    const header = Buffer.alloc(HEADER_BYTES);
    header.writeUInt32BE(100 * 1024 * 1024, 0);
    socket.write(Buffer.concat([encodeFrame({ type: 'hello', node: 'raw' }), header]));
    // Only the header was sent: the node can only close the connection if it refused without waiting for 100 MiB.
    await closed(socket);
    const drop = await node.waitFor((l) => l.event === 'drop' && l.reason === 'oversize');
    expect(drop.detail).toMatch(/104857600/);
    const client = await NodeClient.connect(node.address);
    expect(await client.request({ type: 'ping' })).toMatchObject({ type: 'pong', node: 'w3' });
    client.close();
  });

  it('answers an invalid message with error code invalid and a connection without hello with hello-missing', async () => {
    const node = await startNode({ id: 'w4' });
    const client = await NodeClient.connect(node.address);
    await expect(client.request({ type: 'send', to: { mbox: 'box' } })).rejects.toMatchObject({ code: 'invalid' });
    await expect(client.request({ type: 'no-such-type' })).rejects.toMatchObject({ code: 'invalid' });
    client.close();
    const socket = await rawSocket(node);
    socket.write(encodeFrame({ type: 'ping', rid: 1 }));
    await closed(socket);
    // The node's log line can reach this process after the socket's close does.
    await node.waitFor((l) => l.event === 'drop' && l.reason === 'hello-missing');
    expect(node.events('drop', (l) => l.reason === 'hello-missing')).toHaveLength(1);
  });

  it('keeps serving valid requests after 10,000 random and malformed frames, and logs every rejection', async () => {
    const node = await startNode({ id: 'fuzz' });
    const random = seededRandom(20261125);
    const randomBytes = (n: number) => Buffer.from(Array.from({ length: n }, () => Math.floor(random() * 256)));
    const frames: Buffer[] = [];
    const expected = { corrupt: 0, malformed: 0, invalid: 0 };
    for (let i = 0; i < 9_980; i++) {
      const kind = i % 4;
      if (kind === 0) {
        const frame = frameWithPayload(randomBytes(1 + Math.floor(random() * 200)));
        frame[4]! ^= 0xff; // checksum no longer matches
        frames.push(frame);
        expected.corrupt++;
      } else if (kind === 1) {
        frames.push(frameWithPayload(Buffer.concat([Buffer.from('{"type":'), randomBytes(Math.floor(random() * 100))])));
        expected.malformed++;
      } else if (kind === 2) {
        const junk = [42, 'text', null, [1, 2], { type: 7 }, { type: 'send', id: 'nope' }, { type: 'receive' }, { type: 'done', rid: -1 }];
        frames.push(encodeFrame(junk[Math.floor(random() * junk.length)]));
        expected.invalid++;
      } else {
        frames.push(encodeFrame({ type: `unknown-${Math.floor(random() * 1000)}`, rid: i }));
        expected.invalid++;
      }
    }
    const fuzzer = await rawSocket(node);
    fuzzer.on('data', () => {}); // read the error answers so the node's writes never stall
    fuzzer.write(encodeFrame({ type: 'hello', node: 'fuzzer' }));
    // Random chunk boundaries: the decoder must not care where the reads split the stream.
    const stream = Buffer.concat(frames);
    for (let offset = 0; offset < stream.length; ) {
      const size = 1 + Math.floor(random() * 8192);
      fuzzer.write(stream.subarray(offset, offset + size));
      offset += size;
    }
    // 10 connections die mid-frame and 10 send an oversize header: 20 more rejected frames, 10,000 in all.
    for (let i = 0; i < 10; i++) {
      const cut = await rawSocket(node);
      cut.write(Buffer.concat([encodeFrame({ type: 'hello', node: 'cutter' }), sendFrame('box', 'partial').subarray(0, 20)]));
      await new Promise((resolve) => setTimeout(resolve, 20));
      cut.destroy();
      const big = await rawSocket(node);
      const header = Buffer.alloc(HEADER_BYTES);
      header.writeUInt32BE(0xffffffff, 0);
      big.write(header);
      await closed(big);
    }
    // Whichever rejection is logged last (the fuzzer's stream or an oversize header) completes the count.
    await node.waitFor((l) => l.event === 'drop' && node.events('drop').length >= 10_000, 150_000);

    const client = await NodeClient.connect(node.address);
    await client.send('box', { still: 'serving' });
    const delivery = await client.receive('box', { timeoutMs: 5_000 });
    expect(delivery.body).toEqual({ still: 'serving' });
    await delivery.done();
    expect(await client.request({ type: 'ping' })).toMatchObject({ type: 'pong' });
    client.close();
    fuzzer.destroy();

    const drops = (reason: string) => node.events('drop', (l) => l.reason === reason).length;
    expect({ corrupt: drops('corrupt'), malformed: drops('malformed'), invalid: drops('invalid') }).toEqual(expected);
    expect(drops('partial')).toBe(10);
    expect(drops('oversize')).toBe(10);
    await node.stop();
    const summary = node.events('stopping')[0]!;
    const counters = summary.counters as { rejectedFrames: number; drops: Record<string, number> };
    expect(counters.rejectedFrames + counters.drops.invalid!).toBe(10_000);
    expect(node.running).toBe(false);
    // 10,000 frames and their log lines take seconds on a busy machine: a generous bound, not a speed claim.
  }, 180_000);
});
