import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NodeClient } from '../../nodes/client.ts';
import { ConnectionLost, NotSent } from '../../nodes/errors.ts';
import { setLogSink } from '../../nodes/log.ts';
import { Node } from '../../nodes/node.ts';
import { encodeFrame, FrameDecoder } from '../../nodes/wire/frame.ts';
import { RawConnection } from './raw-connection.ts';

// docs/PROTOCOL.md, Connections: Lab id. Both ends check: the accepting node refuses a hello of another lab, the
// opener fails a connection whose welcome names another lab. Only a lab id that is said is checked.

const lines: Record<string, unknown>[] = [];
let node: Node, unlabelled: Node;
const raws: RawConnection[] = [];

beforeAll(async () => {
  setLogSink((text) => lines.push(...text.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>)));
  [node, unlabelled] = await Promise.all([Node.start({ id: 'n2', port: 0, lab: 'lab-b' }), Node.start({ id: 'plain', port: 0 })]);
});

afterAll(async () => {
  for (const raw of raws) raw.destroy();
  await Promise.all([node?.stop(), unlabelled?.stop()]);
});

async function open(port: number): Promise<RawConnection> {
  const raw = await RawConnection.open(port);
  raws.push(raw);
  return raw;
}

describe('the accepting node', () => {
  it('refuses a hello of another lab with wrong-lab (no rid), closes, and serves nothing that came after it', async () => {
    const raw = await open(node.port);
    raw.send({ type: 'hello', node: 'n1', lab: 'lab-a' }, { type: 'send', rid: 1, id: { from: 'n1', seq: 1 }, to: { mbox: 'inbox' }, body: 'x' });
    await raw.closedWithin();
    expect(raw.answers).toEqual([{ type: 'error', code: 'wrong-lab', message: expect.stringMatching(/lab-b.*lab-a/) }]);
    expect(lines).toContainEqual(expect.objectContaining({ event: 'drop', reason: 'wrong-lab', claimed: 'n1', lab: 'lab-a' }));
    expect(node.counters.messagesIn).toBe(0);
  });

  it('welcomes a hello of its own lab, and one that says no lab, with its lab id', async () => {
    for (const hello of [{ type: 'hello', node: 'n1', lab: 'lab-b' }, { type: 'hello', node: 'tool' }]) {
      const raw = await open(node.port);
      raw.send(hello, { type: 'ping', rid: 1 });
      expect(await raw.answer((answer) => answer.type === 'welcome')).toEqual({ type: 'welcome', node: 'n2', lab: 'lab-b' });
      expect(await raw.answerTo(1)).toMatchObject({ type: 'pong' });
    }
  });

  it('without a lab id of its own, welcomes any lab and says none', async () => {
    const raw = await open(unlabelled.port);
    raw.send({ type: 'hello', node: 'n1', lab: 'lab-a' });
    expect(await raw.answer((answer) => answer.type === 'welcome')).toEqual({ type: 'welcome', node: 'plain' });
  });
});

describe('the opening side', () => {
  it('fails its requests as not-sent when the node refuses its lab', async () => {
    const client = await NodeClient.connect({ host: '127.0.0.1', port: node.port }, { lab: 'lab-a' });
    await expect(client.request({ type: 'ping' })).rejects.toThrow(NotSent);
    await expect(client.request({ type: 'ping' })).rejects.toThrow(NotSent);
    await client.close();
  });

  describe('toward a node that does not check but says another lab in its welcome', () => {
    let server: Server;
    let port: number;
    beforeAll(async () => {
      // Welcomes every hello as a node of `lab-b` and answers every request, as a node ignoring the hello's lab would.
      server = createServer((socket) => {
        const decoder = new FrameDecoder();
        socket.on('error', () => {});
        socket.on('data', (chunk) => {
          for (const result of decoder.push(chunk)) {
            if (!result.ok) continue;
            const message = result.message as { type: string; rid?: number };
            socket.write(encodeFrame(message.type === 'hello' ? { type: 'welcome', node: 'n2', lab: 'lab-b' } : { type: 'pong', rid: message.rid, node: 'n2' }));
          }
        });
      });
      port = await new Promise<number>((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port)));
    });
    afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

    it('takes none of its answers: the connection is lost', async () => {
      const client = await NodeClient.connect({ host: '127.0.0.1', port }, { lab: 'lab-a' });
      await expect(client.request({ type: 'ping' })).rejects.toThrow(ConnectionLost);
      expect(client.isOpen).toBe(false);
    });

    it('takes its answers when it says no lab id of its own', async () => {
      const client = await NodeClient.connect({ host: '127.0.0.1', port });
      expect(await client.request({ type: 'ping' })).toMatchObject({ type: 'pong' });
      await client.close();
    });
  });
});
