import { appendFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { NodeClient } from '../../nodes/client.ts';
import { LeaseExpired, MailboxFull, ReceiveTimeout } from '../../nodes/errors.ts';
import { reservePort } from '../../harness/backends/ports.ts';
import { startNode, stopAllNodes } from '../helpers/node-process.ts';
import { sleep } from '../helpers/wait.ts';

// Mailboxes of real node processes, reached over TCP: competing receivers, leases, back-pressure, the three
// send-return modes, and durability across SIGKILL.

const clients: NodeClient[] = [];
async function client(address: { host: string; port: number }, identity?: string): Promise<NodeClient> {
  const c = await NodeClient.connect(address, { identity });
  clients.push(c);
  return c;
}
const dirs: string[] = [];

afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await stopAllNodes();
});
afterAll(async () => {
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

describe('mailboxes of a node process', () => {
  it('gives every message to exactly one of several competing receivers', async () => {
    const node = await startNode({ id: 'm1' });
    const producer = await client(node.address, 'producer');
    const total = 300;
    const receivers = await Promise.all(Array.from({ length: 6 }, (_, i) => client(node.address, `receiver-${i}`)));
    const got: { receiver: number; n: number }[] = [];
    const consume = async (c: NodeClient, receiver: number) => {
      while (got.length < total) {
        try {
          const delivery = await c.receive('work', { timeoutMs: 500, leaseMs: 30_000 });
          got.push({ receiver, n: (delivery.body as { n: number }).n });
          await delivery.done();
        } catch (error) {
          if (!(error instanceof ReceiveTimeout)) throw error;
        }
      }
    };
    const consuming = receivers.map((c, i) => consume(c, i));
    await Promise.all(Array.from({ length: total }, (_, n) => producer.send('work', { n })));
    await Promise.race([Promise.all(consuming), sleep(30_000)]);
    const numbers = got.map((g) => g.n).sort((a, b) => a - b);
    expect(numbers).toEqual(Array.from({ length: total }, (_, n) => n));
    expect(new Set(got.map((g) => g.receiver)).size).toBeGreaterThan(1);
    await node.waitFor(() => node.events('done').length === total);
    expect(node.events('take')).toHaveLength(total);
    expect(node.events('redeliver')).toHaveLength(0);
  });

  it('redelivers a message whose lease expired to another receiver, and logs it', async () => {
    const node = await startNode({ id: 'm2' });
    const sender = await client(node.address);
    const slow = await client(node.address, 'slow');
    const fast = await client(node.address, 'fast');
    await sender.send('box', 'cola');
    const first = await slow.receive('box', { timeoutMs: 2_000, leaseMs: 200 });
    const second = await fast.receive('box', { timeoutMs: 5_000, leaseMs: 10_000 });
    expect(second.id).toEqual(first.id);
    expect(second.receiver).not.toBe(first.receiver);
    await expect(first.done()).rejects.toBeInstanceOf(LeaseExpired);
    await second.done();
    const redeliver = await node.waitFor('redeliver');
    expect(redeliver).toMatchObject({ reason: 'lease-expired', receiver: first.receiver });
  });

  it('gives back the message a receiver held when its connection dies', async () => {
    const node = await startNode({ id: 'm3' });
    const sender = await client(node.address);
    await sender.send('box', 'pepsi');
    const doomed = await NodeClient.connect(node.address, { identity: 'doomed' });
    await doomed.receive('box', { timeoutMs: 2_000, leaseMs: 60_000 });
    doomed.close();
    const other = await client(node.address);
    const again = await other.receive('box', { timeoutMs: 5_000 });
    expect(again.body).toBe('pepsi');
    expect(await node.waitFor('redeliver')).toMatchObject({ reason: 'receiver-gone' });
  });

  it('pushes back on senders when a mailbox is full, and never drops silently', async () => {
    const node = await startNode({ id: 'm4', args: ['--mailbox-capacity', '5'] });
    const sender = await client(node.address);
    for (let n = 0; n < 5; n++) await sender.send('box', { n });
    await expect(sender.send('box', { n: 5 }, { timeoutMs: 300 })).rejects.toBeInstanceOf(MailboxFull);
    await node.waitForCount((l) => l.event === 'drop' && l.reason === 'mailbox-full', 1);
    // A patient sender gets in as soon as a receiver makes room.
    const patient = sender.send('box', { n: 6 }, { timeoutMs: 20_000 });
    // The patient sender was refused once too before the receiver makes room.
    await node.waitForCount((l) => l.event === 'drop' && l.reason === 'mailbox-full', 2);
    const receiver = await client(node.address);
    const first = await receiver.receive('box', { timeoutMs: 2_000 });
    await first.done();
    await patient;
    const bodies = [];
    for (let i = 0; i < 5; i++) {
      const d = await receiver.receive('box', { timeoutMs: 2_000 });
      bodies.push(d.body);
      await d.done();
    }
    expect([first.body, ...bodies]).toEqual([0, 1, 2, 3, 4, 6].map((n) => ({ n })));
  });

  it('pushes back on a sending node too: MailboxFull after its timeout, delivered once there is room', async () => {
    const destination = await startNode({ id: 'full', args: ['--mailbox-capacity', '1'] });
    const sender = await startNode({ id: 'eager', programs: ['remote-control'], peers: { full: { port: destination.port } } });
    const control = await client(sender.address);
    const send = (body: string, timeoutMs: number) =>
      control.request({ type: 'node-send', to: { node: 'full', mbox: 'box' }, body, until: 'remote', timeoutMs }, { timeoutMs: timeoutMs + 10_000 });
    await send('first', 5_000);
    await expect(send('second', 300)).rejects.toMatchObject({ code: 'mailbox-full' });
    const patient = send('third', 20_000);
    const receiver = await client(destination.address);
    await (await receiver.receive('box', { timeoutMs: 2_000 })).done();
    await patient;
    expect((await receiver.receive('box', { timeoutMs: 2_000 })).body).toBe('third');
  });

  it('returns from send at each of the three points the notes name', async () => {
    const destination = await startNode({ id: 'dest' });
    const latePort = await reservePort();
    const sender = await startNode({
      id: 'src',
      programs: ['remote-control'],
      peers: { dest: { port: destination.port }, late: { port: latePort } },
      config: { retransmit: { initialMs: 50, maxMs: 200, giveUpMs: 30_000 } },
    });
    const control = await client(sender.address);
    const atDestination = await client(destination.address);

    // remote: resolves once the destination buffered it, with no receiver anywhere.
    await control.request({ type: 'node-send', to: { node: 'dest', mbox: 'box' }, body: 'remote', until: 'remote' });
    const stats = await atDestination.stats();
    expect((stats.mailboxes as Record<string, { queued: number }>).box!.queued).toBe(1);
    await (await atDestination.receive('box', { timeoutMs: 1_000 })).done();

    // received: does not resolve until a receiver takes the message.
    let resolved = false;
    const pending = control.request({ type: 'node-send', to: { node: 'dest', mbox: 'box' }, body: 'received', until: 'received' }, { timeoutMs: 20_000 });
    void pending.then(() => (resolved = true));
    // Positive control: a `remote` send started after it, on the same path, returns in the same wait.
    let controlReturned = false;
    const controlSend = control.request({ type: 'node-send', to: { node: 'dest', mbox: 'control' }, body: 'control', until: 'remote' });
    void controlSend.then(() => (controlReturned = true));
    await sleep(500);
    await controlSend;
    expect(controlReturned).toBe(true);
    expect(resolved).toBe(false);
    // The message is at the destination, queued, and still the send has not returned.
    expect(((await atDestination.stats()).mailboxes as Record<string, { queued: number }>).box!.queued).toBe(1);
    const taken = await atDestination.receive('box', { timeoutMs: 1_000 });
    const answer = await pending;
    expect(taken.body).toBe('received');
    expect(answer.elapsedMs).toBeGreaterThanOrEqual(400);

    // remote, to a node that is down: certainly not sent.
    await expect(control.request({ type: 'node-send', to: { node: 'late', mbox: 'box' }, body: 'x', until: 'remote' })).rejects.toMatchObject({ code: 'not-sent' });

    // local: resolves at once although the destination is down; the send buffer delivers it once it is up.
    const local = await control.request({ type: 'node-send', to: { node: 'late', mbox: 'box' }, body: 'local', until: 'local' });
    expect(local.elapsedMs).toBeLessThan(1_000);
    const late = await startNode({ id: 'late', port: latePort });
    const atLate = await client(late.address);
    expect((await atLate.receive('box', { timeoutMs: 15_000 })).body).toBe('local');
  });

  it('keeps acknowledged, unconsumed messages across SIGKILL and restart on the same data dir', async () => {
    const data = await mkdtemp(join(tmpdir(), 'chaoslab-durable-'));
    dirs.push(data);
    const first = await startNode({ id: 'durable', data, programs: ['remote-control'] });
    const c1 = await client(first.address);
    for (let n = 0; n < 30; n++) await c1.send('box', { n });
    for (let n = 0; n < 10; n++) await (await c1.receive('box', { timeoutMs: 1_000 })).done();
    // Taken but not done when the node dies: it must come back too.
    await c1.receive('box', { timeoutMs: 1_000, leaseMs: 60_000 });
    const before = await c1.request({ type: 'node-send', to: { node: 'durable', mbox: 'self' }, body: 'seq', until: 'remote' });
    await first.kill();
    // As if the crash came in the middle of a journal write: a record header and part of its body.
    const torn = Buffer.alloc(20);
    torn.writeUInt32BE(100, 0);
    await appendFile(join(data, 'mailboxes.journal'), torn);

    const second = await startNode({ id: 'durable', data, programs: ['remote-control'] });
    expect(await second.waitFor('recovered')).toMatchObject({ messages: 21 });
    expect(second.events('journal-truncated')[0]).toMatchObject({ droppedBytes: 20 });
    expect(second.lines[0]!.event).toBe('listening');
    const c2 = await client(second.address);
    const bodies: number[] = [];
    for (let i = 0; i < 20; i++) {
      const d = await c2.receive('box', { timeoutMs: 2_000 });
      bodies.push((d.body as { n: number }).n);
      await d.done();
    }
    expect(bodies.sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i + 10));
    expect((await c2.receive('self', { timeoutMs: 1_000 })).body).toBe('seq');
    await expect(c2.receive('box', { timeoutMs: 300 })).rejects.toBeInstanceOf(ReceiveTimeout);
    // Sequence numbers survive the restart: the new life never reuses an id of the old one.
    const after = await c2.request({ type: 'node-send', to: { node: 'durable', mbox: 'self' }, body: 'seq', until: 'remote' });
    expect((after.id as { seq: number }).seq).toBeGreaterThan((before.id as { seq: number }).seq);
  });
});
