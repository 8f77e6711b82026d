import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { selectScenarios } from '../../harness/catalogue.ts';
import { closeActiveLabs, runScenario } from '../../harness/run.ts';
import type { Guarantee } from '../../harness/scenario.ts';
import { NodeClient } from '../../nodes/client.ts';
import { NotSent, RemoteError } from '../../nodes/errors.ts';
import { bodyDigest } from '../../nodes/semantics/integrity.ts';
import { crc32c } from '../../nodes/wire/crc32c.ts';
import { encodeFrame, FrameDecoder, HEADER_BYTES } from '../../nodes/wire/frame.ts';
import '../../harness/vitest.ts';

// The second implementation: examples/python-node/node.py on every server, chaoslab's client on n1, so that any
// disagreement on the wire (framing, CRC-32C, ids, replies) fails a run. Each scenario must get the verdicts the
// catalogue expects of chaoslab's own node with the same setting; the faults start at op 50, so 80 ops suffice.

const nodePy = fileURLToPath(new URL('../../examples/python-node/node.py', import.meta.url));
const command = ['python3', nodePy];
const runsDir = mkdtempSync(join(tmpdir(), 'chaoslab-python-node-'));
const OPS = 80;

/** Python nodes this file started itself: killed at the end even when a test timed out before its own cleanup. */
const started = new Set<ChildProcess>();

afterAll(async () => {
  for (const child of started) child.kill('SIGKILL');
  await closeActiveLabs();
  rmSync(runsDir, { recursive: true, force: true });
});

const log = (dir: string, node: string) => readFileSync(join(dir, 'nodes', `${node}.log`), 'utf8');

describe('the Python node keeps the verdicts of the catalogue', () => {
  const cases: { scenario: string; shows?: (dir: string) => void }[] = [
    { scenario: 'lost-message-exactly-once' },
    // Positive controls: the fault reached the Python node's dedup table.
    { scenario: 'lost-reply-exactly-once', shows: (dir) => expect(log(dir, 'n2')).toMatch(/"event":"duplicate".*"kind":"done"/) },
    { scenario: 'duplicate-message-exactly-once', shows: (dir) => expect(log(dir, 'n2')).toContain('"event":"duplicate"') },
    {
      scenario: 'receiver-crash-exactly-once',
      shows: (dir) => expect(log(dir, 'n2')).toMatch(/"event":"executions-recovered","records":[1-9]/),
    },
    { scenario: 'sender-crash-exactly-once' },
    // The client failed over to the other Python replica: it ran appends too.
    { scenario: 'partition-fail-over-at-least-once', shows: (dir) => expect(readFileSync(join(dir, 'executions.jsonl'), 'utf8')).toContain('"node":"n3"') },
    // The same node under the weaker settings breaks what chaoslab's node breaks there.
    { scenario: 'receiver-crash-exactly-once-volatile' },
    { scenario: 'lost-reply-at-least-once' },
  ];
  for (const { scenario: name, shows } of cases) {
    it(name, async () => {
      const [scenario] = await selectScenarios([name]);
      const run = await runScenario(
        { ...scenario!, nodes: { ...scenario!.nodes, command }, workload: { ...scenario!.workload, ops: OPS } },
        { runsDir, report: false },
      );
      expect(run.error).toBeUndefined();
      expect(log(run.dir, 'n2')).toContain(`"event":"ready"`); // the Python node served, not chaoslab's
      for (const [guarantee, verdict] of Object.entries(scenario!.expect)) {
        if (verdict === 'holds') expect(run).toKeep(guarantee as Guarantee);
        else expect(run).toViolate(guarantee as Guarantee);
      }
      shows?.(run.dir);
    }, 120_000);
  }
});

/** The lab id the Python node started on its own is given. */
const PY_LAB = 'lab-of-py';

/** The Python node on its own (no name service), for what peers may send it. */
async function startPythonNode(dataDir: string): Promise<{ child: ChildProcess; port: number; events: Record<string, unknown>[] }> {
  const child = spawn('python3', [nodePy, '--id', 'py', '--port', '0', '--data', dataDir, '--config-json', JSON.stringify({ semantics: 'exactly-once', lab: PY_LAB })], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  started.add(child);
  child.once('exit', () => started.delete(child));
  const events: Record<string, unknown>[] = [];
  const port = await new Promise<number>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`node.py exited with ${code}`)));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const event = JSON.parse(line) as { event: string; port?: number };
      events.push(event);
      if (event.event === 'listening') resolve(event.port!);
    });
  });
  return { child, port, events };
}

/** A frame around any bytes, with their right checksum. */
function rawFrame(payload: Buffer): Buffer {
  const frame = Buffer.alloc(HEADER_BYTES + payload.length);
  frame.writeUInt32BE(payload.length, 0);
  frame.writeUInt32BE(crc32c(payload), 4);
  payload.copy(frame, HEADER_BYTES);
  return frame;
}

/** A raw connection that collects the frames the node answers with. */
async function rawConnection(port: number): Promise<{ socket: Socket; answers: unknown[]; closed: Promise<void>; next(): Promise<unknown> }> {
  const socket = connect(port, '127.0.0.1');
  await new Promise((resolve) => socket.once('connect', resolve));
  const decoder = new FrameDecoder();
  const answers: unknown[] = [];
  let waiting: (() => void) | undefined;
  socket.on('data', (chunk) => {
    for (const result of decoder.push(chunk)) if (result.ok) answers.push(result.message);
    waiting?.();
  });
  let isClosed = false;
  const closed = new Promise<void>((resolve) =>
    socket.once('close', () => {
      isClosed = true;
      waiting?.();
      resolve();
    }),
  );
  let read = 0;
  const next = async () => {
    while (answers.length <= read) {
      if (isClosed) throw new Error(`the node closed the connection; answers so far: ${JSON.stringify(answers)}`);
      await new Promise<void>((resolve) => (waiting = resolve));
    }
    return answers[read++];
  };
  return { socket, answers, closed, next };
}

describe('the Python node never crashes on what a peer sends it', () => {
  it('answers bad frames as docs/PROTOCOL.md says, and keeps serving', async () => {
    const dataDir = mkdtempSync(join(runsDir, 'wire-')); // under runsDir: removed after the file in any case
    const { child, port } = await startPythonNode(dataDir);
    try {
      // Hello missing: an error without rid, and the connection is closed.
      const noHello = await rawConnection(port);
      noHello.socket.write(encodeFrame({ type: 'ping', rid: 1 }));
      expect(await noHello.next()).toMatchObject({ type: 'error', code: 'hello-missing' });
      await noHello.closed;

      const raw = await rawConnection(port);
      // An invalid message first is `invalid` and does not count as the first frame.
      raw.socket.write(encodeFrame({ type: 'hello' }));
      expect(await raw.next()).toMatchObject({ type: 'error', code: 'invalid' });
      // A hello without a lab id is served (only a lab id that is said is checked); the welcome says the node's.
      raw.socket.write(encodeFrame({ type: 'hello', node: 'tester' }));
      expect(await raw.next()).toEqual({ type: 'welcome', node: 'py', lab: PY_LAB });
      // A corrupt frame (payload byte flipped) and a frame that is not JSON are dropped; the stream goes on.
      const corrupt = encodeFrame({ type: 'ping', rid: 2 });
      corrupt[HEADER_BYTES + 3] ^= 0xff;
      const notJson = Buffer.from('{not json');
      const malformed = rawFrame(notJson); // the checksum is right: only the JSON is wrong
      // Also not JSON to a JavaScript peer: NaN; and a nesting deeper than Python's parser recurses.
      const nan = rawFrame(Buffer.from('{"type":"ping","rid":NaN}'));
      const deep = rawFrame(Buffer.from(`${'['.repeat(100_000)}${']'.repeat(100_000)}`));
      raw.socket.write(Buffer.concat([corrupt, malformed, nan, deep, encodeFrame({ type: 'ping', rid: 3 })]));
      expect(await raw.next()).toEqual({ type: 'pong', rid: 3, node: 'py' });
      // Valid JSON that is not a valid message: `invalid`, with the rid when there is one.
      raw.socket.write(encodeFrame({ type: 'call', rid: 4, call: { service: 'log' } }));
      expect(await raw.next()).toMatchObject({ type: 'error', code: 'invalid', rid: 4 });
      raw.socket.write(encodeFrame({ type: 'no-such-type', rid: 5 }));
      expect(await raw.next()).toMatchObject({ type: 'error', code: 'invalid', rid: 5 });
      raw.socket.write(encodeFrame([1, 2, 3]));
      expect(await raw.next()).toMatchObject({ type: 'error', code: 'invalid' });
      // Oversize: refused from the header alone, and the connection closed.
      const header = Buffer.alloc(HEADER_BYTES);
      header.writeUInt32BE(64 * 1024 * 1024, 0);
      raw.socket.write(header);
      await raw.closed;

      // A connection that ends in the middle of a frame.
      const partial = await rawConnection(port);
      partial.socket.write(Buffer.concat([encodeFrame({ type: 'hello', node: 'tester' }), encodeFrame({ type: 'ping', rid: 1 }).subarray(0, 11)]));
      expect(await partial.next()).toMatchObject({ type: 'welcome' });
      partial.socket.end();
      await partial.closed;

      // Another lab's hello: refused with wrong-lab, closed, and what came after it is not served.
      const foreign = await rawConnection(port);
      foreign.socket.write(Buffer.concat([encodeFrame({ type: 'hello', node: 'tester', lab: 'another-lab' }), encodeFrame({ type: 'ping', rid: 1 })]));
      expect(await foreign.next()).toMatchObject({ type: 'error', code: 'wrong-lab' });
      await foreign.closed;
      expect(foreign.answers).toHaveLength(1);
      // chaoslab's client of another lab: its request fails as not sent.
      const stranger = await NodeClient.connect({ host: '127.0.0.1', port }, { identity: 'tester', lab: 'another-lab' });
      await expect(stranger.request({ type: 'ping' })).rejects.toThrow(NotSent);
      await stranger.close();

      // Still serving, to chaoslab's own client of its lab: an append, its retransmission answered from the reply cache.
      const client = await NodeClient.connect({ host: '127.0.0.1', port }, { identity: 'tester', lab: PY_LAB });
      try {
        const call = (seq: number, args: unknown) =>
          client.request({ type: 'call', call: { service: 'log', proc: 'append', args, key: { from: 'tester', seq }, deadline: Date.now() + 5000 } });
        const op = { id: 'op-1', body: 'hello', digest: bodyDigest('hello') };
        expect(await call(1, op)).toMatchObject({ type: 'reply', result: { ok: true } });
        expect(await call(1, op)).toMatchObject({ type: 'reply', result: { ok: true } });
        expect(await call(2, { id: 'op-2' })).toMatchObject({ type: 'reply', error: { code: 'invalid-args' } });
        const read = await client.request({ type: 'call', call: { service: 'log', proc: 'read', args: {}, key: { from: 'tester', seq: 3 }, deadline: Date.now() + 5000 } });
        expect(read).toMatchObject({ result: { total: 1, executions: [{ id: 'op-1', node: 'py', intact: true, key: { from: 'tester', seq: 1 } }] } });
        await expect(client.request({ type: 'send', id: { from: 'tester', seq: 9 }, to: { mbox: 'inbox' }, body: 1 })).rejects.toThrow(RemoteError);
      } finally {
        await client.close();
      }
    } finally {
      child.kill('SIGKILL');
      await new Promise((resolve) => child.once('exit', resolve));
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 60_000);
});

describe('the Python node after SIGKILL', () => {
  it('recovers its executions and dedup table from the journal, and cuts off a torn tail', async () => {
    const dataDir = mkdtempSync(join(runsDir, 'durable-'));
    const append = async (port: number, seq: number, id: string) => {
      const client = await NodeClient.connect({ host: '127.0.0.1', port }, { identity: 'tester' });
      try {
        return await client.request({
          type: 'call',
          call: { service: 'log', proc: 'append', args: { id, body: id, digest: bodyDigest(id) }, key: { from: 'tester', seq }, deadline: Date.now() + 5000 },
        });
      } finally {
        await client.close();
      }
    };
    const first = await startPythonNode(dataDir);
    expect(await append(first.port, 1, 'op-1')).toMatchObject({ result: { ok: true } });
    expect(await append(first.port, 2, 'op-2')).toMatchObject({ result: { ok: true } });
    first.child.kill('SIGKILL');
    await new Promise((resolve) => first.child.once('exit', resolve));
    // A record the kill cut short: its header promises more bytes than follow.
    appendFileSync(join(dataDir, 'log.journal'), encodeFrame({ t: 'exec', torn: true }).subarray(0, 20));

    const second = await startPythonNode(dataDir);
    try {
      expect(second.events).toContainEqual(expect.objectContaining({ event: 'executions-recovered', records: 2, executions: 2, dedupEntries: 2, droppedBytes: 20 }));
      // A retransmission from before the crash gets the cached reply and runs nothing; a new key runs.
      expect(await append(second.port, 2, 'op-2')).toMatchObject({ result: { ok: true } });
      expect(await append(second.port, 3, 'op-3')).toMatchObject({ result: { ok: true } });
      const client = await NodeClient.connect({ host: '127.0.0.1', port: second.port }, { identity: 'tester' });
      try {
        const read = (await client.request({ type: 'call', call: { service: 'log', proc: 'read', args: {}, key: { from: 'tester', seq: 9 }, deadline: Date.now() + 5000 } })) as unknown as {
          result: { executions: { id: string }[] };
        };
        expect(read.result.executions.map((execution) => execution.id)).toEqual(['op-1', 'op-2', 'op-3']);
      } finally {
        await client.close();
      }
    } finally {
      second.child.kill('SIGKILL');
    }
  }, 60_000);
});
