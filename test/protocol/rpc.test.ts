import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NodeClient } from '../../nodes/client.ts';
import { RemoteError } from '../../nodes/errors.ts';
import { workloadService } from '../../nodes/programs/client.ts';
import { logService } from '../../nodes/programs/log.ts';
import { callerFromClient, type Caller } from '../../nodes/rpc/caller.ts';
import { outcomeOf } from '../../nodes/rpc/outcome.ts';
import { clientStub } from '../../nodes/rpc/stub.ts';
import { bodyDigest } from '../../nodes/semantics/integrity.ts';
import { behaviourOf } from '../../nodes/semantics/settings.ts';
import { startNode, stopAllNodes, type LogLine, type NodeProcess } from '../helpers/node-process.ts';
import { expectRegisteredLogging } from './registered-events.ts';
import { realEnv } from '../../nodes/env/real.ts';

// docs/PROTOCOL.md, RPC and the log service, against real node processes over TCP: the order of a server's
// checks (a copy of a known key is answered from the dedup table whatever its deadline or the queue), the shapes
// of call and reply, the low-water mark, read-only procedures, the overloaded threshold and what it means for a
// history, the execution record and read's paging, and how outside clients name their calls.

const root = mkdtempSync(join(tmpdir(), 'chaoslab-protocol-rpc-'));
const clients: NodeClient[] = [];
const retiredLines: LogLine[] = [];
let server: NodeProcess, slow: NodeProcess, driver: NodeProcess, lonely: NodeProcess;

const SLOW_QUEUE = 2;
const SLOW_APPEND_MS = 3000;

beforeAll(async () => {
  [server, slow] = await Promise.all([
    startNode({ id: 'eo', data: join(root, 'eo'), programs: ['log'], config: { semantics: 'exactly-once' }, startTimeoutMs: 90_000 }),
    startNode({
      id: 'slow',
      data: join(root, 'slow'),
      programs: ['log'],
      config: { semantics: 'exactly-once', workers: 1, mailboxCapacity: SLOW_QUEUE, options: { appendDelayMs: SLOW_APPEND_MS } },
      startTimeoutMs: 90_000,
    }),
  ]);
  [driver, lonely] = await Promise.all([
    startNode({ id: 'driver', programs: ['client'], peers: { slow: { port: slow.port } }, config: { semantics: 'at-most-once', options: { target: 'slow' } }, startTimeoutMs: 90_000 }),
    startNode({ id: 'lonely', programs: ['client'], config: { semantics: 'at-most-once' }, startTimeoutMs: 90_000 }),
  ]);
});

afterAll(async () => {
  for (const client of clients) void client.close();
  await stopAllNodes();
  rmSync(root, { recursive: true, force: true });
});

async function connect(node: NodeProcess, identity: string): Promise<NodeClient> {
  const client = await NodeClient.connect(node.address, { identity });
  clients.push(client);
  return client;
}

const op = (id: string, body = `body of ${id}`) => ({ id, body, digest: bodyDigest(body) });
type Key = { from: string; seq: number };
const callMessage = (call: { proc: string; args?: unknown; key: Key; deadline?: number; lowWater?: number; service?: string }) => ({
  type: 'call',
  call: { service: 'log', deadline: Date.now() + 60_000, ...call },
});

async function executionsOf(node: NodeProcess, id: string) {
  const reader = await connect(node, `reader-${id}`);
  const all = [];
  for (let offset = 0; ; ) {
    const page = (await reader.request(callMessage({ proc: 'read', args: { offset }, key: { from: reader.identity, seq: offset } }))) as unknown as {
      result: { executions: { id: string }[]; total: number };
    };
    all.push(...page.result.executions);
    offset += page.result.executions.length;
    if (page.result.executions.length === 0 || offset >= page.result.total) break;
  }
  return all.filter((execution) => execution.id === id);
}

describe('a copy of a known key is answered from the dedup table before any other check', () => {
  it('a late copy of an executed call gets the cached reply, also after a SIGKILL and restart, and it ran once', async () => {
    const client = await connect(server, 'late-sender');
    const key = { from: 'late-sender', seq: 1 };
    const first = await client.request(callMessage({ proc: 'append', args: op('late-1'), key }));
    expect(first).toMatchObject({ type: 'reply', key, result: { ok: true } });

    const lateCopy = callMessage({ proc: 'append', args: op('late-1'), key, deadline: Date.now() - 60_000 });
    expect(await client.request(lateCopy)).toMatchObject({ type: 'reply', key, result: { ok: true } });

    await server.kill();
    retiredLines.push(...server.lines);
    server = await startNode({ id: 'eo', data: join(root, 'eo'), programs: ['log'], config: { semantics: 'exactly-once' }, startTimeoutMs: 90_000 });
    const afterRestart = await connect(server, 'late-sender');
    expect(await afterRestart.request({ ...lateCopy })).toMatchObject({ type: 'reply', key, result: { ok: true } });
    expect(await executionsOf(server, 'late-1')).toHaveLength(1);

    // Positive control: the deadline check is alive for a key the server does not know.
    const unknownLate = callMessage({ proc: 'append', args: op('late-2'), key: { from: 'late-sender', seq: 2 }, deadline: Date.now() - 60_000 });
    expect(await afterRestart.request(unknownLate)).toMatchObject({ error: { code: 'deadline-exceeded' } });
  });

  it('through the stub: the first reply lost, the copy arriving after its deadline completes the call as ok', async () => {
    const client = await connect(server, 'stub-late');
    let transmissions = 0;
    // The first transmission reaches the server but its reply is lost; every later copy arrives after the
    // deadline by the server's clock (a server whose clock runs ahead).
    const caller: Caller = {
      identity: client.identity,
      env: realEnv,
      request: (_target, message, options) => {
        transmissions++;
        if (transmissions === 1) {
          client.request(message, options).catch(() => {});
          return new Promise(() => {});
        }
        const call = (message as { call: object }).call;
        return client.request({ ...message, call: { ...call, deadline: Date.now() - 60_000 } }, options);
      },
    };
    const log = clientStub(logService, caller, { target: 'eo', behaviour: behaviourOf('exactly-once'), deadlineMs: 20_000 });
    await expect(log.append(op('stub-late-1'))).resolves.toEqual({ ok: true });
    expect(transmissions).toBeGreaterThanOrEqual(2);
    expect(await executionsOf(server, 'stub-late-1')).toHaveLength(1);
  });

  it('a copy of a call the server is running is not refused as overloaded: it gets that call\'s reply', async () => {
    const client = await connect(slow, 'crowd');
    const append = (seq: number, extra: object = {}) =>
      client.request(callMessage({ proc: 'append', args: op(`crowd-${seq}`), key: { from: 'crowd', seq }, ...extra }), { timeoutMs: 60_000 });
    const admitted = [append(1), append(2)];
    await slow.waitForCount((line) => line.event === 'msg-in' && line.peer === 'crowd', 2);
    const refused = await append(3);
    expect(refused).toMatchObject({ type: 'reply', error: { code: 'overloaded' } });
    const copy = append(2, { deadline: Date.now() - 1 });
    expect(await copy).toMatchObject({ type: 'reply', key: { from: 'crowd', seq: 2 }, result: { ok: true } });
    await Promise.all(admitted);
    expect(await executionsOf(slow, 'crowd-3')).toHaveLength(0);
    expect(await executionsOf(slow, 'crowd-2')).toHaveLength(1);
  });
});

describe('call and reply shapes', () => {
  it('a reply carries rid, the key as received and exactly one of result and error', async () => {
    const client = await connect(server, 'shapes');
    const key = { from: 'shapes', seq: 7 };
    const ok = await client.request(callMessage({ proc: 'append', args: op('shape-1'), key }));
    expect(ok).toEqual({ type: 'reply', rid: expect.any(Number), key, result: { ok: true } });
    const bad = await client.request(callMessage({ proc: 'append', key: { from: 'shapes', seq: 8 } }));
    expect(bad).toEqual({ type: 'reply', rid: expect.any(Number), key: { from: 'shapes', seq: 8 }, error: { code: 'invalid-args', message: expect.any(String) } });
  });

  it('args may be left out: the procedure\'s schema decides (log.stats and log.read take it)', async () => {
    const client = await connect(server, 'no-args');
    expect(await client.request(callMessage({ proc: 'stats', key: { from: 'no-args', seq: 1 } }))).toMatchObject({ result: { executions: expect.any(Number) } });
    expect(await client.request(callMessage({ proc: 'read', key: { from: 'no-args', seq: 2 } }))).toMatchObject({ result: { total: expect.any(Number) } });
  });

  it('the duplicate reply: a copy below the sender\'s low-water mark that the table no longer holds', async () => {
    const client = await connect(server, 'dup');
    await client.request(callMessage({ proc: 'append', args: op('dup-10'), key: { from: 'dup', seq: 10 }, lowWater: 10 }));
    const answer = await client.request(callMessage({ proc: 'append', args: op('dup-5'), key: { from: 'dup', seq: 5 } }));
    expect(answer).toEqual({
      type: 'reply',
      rid: expect.any(Number),
      key: { from: 'dup', seq: 5 },
      error: { code: 'duplicate', message: expect.stringMatching(/^dup:5 was settled and forgotten/) },
    });
    expect(await executionsOf(server, 'dup-5')).toHaveLength(0);
  });
});

describe('the low-water mark', () => {
  it('is kept per key.from, whatever the hello identity, and a lower mark never lowers it', async () => {
    const first = await connect(server, 'conn-a');
    const second = await connect(server, 'conn-b');
    const append = (client: NodeClient, id: string, seq: number, lowWater?: number) =>
      client.request(callMessage({ proc: 'append', args: op(id), key: { from: 'shared-sender', seq }, lowWater }));
    expect(await append(first, 'lw-100', 100, 100)).toMatchObject({ result: { ok: true } });
    expect(await append(second, 'lw-50', 50)).toMatchObject({ error: { code: 'duplicate' } });
    expect(await append(second, 'lw-60', 60, 10)).toMatchObject({ error: { code: 'duplicate' } });
    // Positive controls: above the mark, and another sender below it, both run.
    expect(await append(second, 'lw-150', 150, 10)).toMatchObject({ result: { ok: true } });
    const other = await second.request(callMessage({ proc: 'append', args: op('lw-other-50'), key: { from: 'other-sender', seq: 50 } }));
    expect(other).toMatchObject({ result: { ok: true } });
  });
});

describe('read-only procedures', () => {
  it('are not deduplicated: a copy of a read runs again with its own arguments; a copy of an append is its first call', async () => {
    const client = await connect(server, 'reads');
    for (const [seq, id] of [[1, 'ro-a'], [2, 'ro-b']] as const) await client.request(callMessage({ proc: 'append', args: op(id), key: { from: 'reads', seq } }));
    const key = { from: 'reads', seq: 3 };
    const firstPage = (await client.request(callMessage({ proc: 'read', args: { offset: 0, limit: 1 }, key }))) as unknown as { result: { executions: unknown[] } };
    const secondPage = (await client.request(callMessage({ proc: 'read', args: { offset: 1, limit: 1 }, key }))) as unknown as { result: { executions: unknown[] } };
    expect(secondPage.result.executions).toHaveLength(1);
    expect(secondPage.result.executions).not.toEqual(firstPage.result.executions);

    const appendKey = { from: 'reads', seq: 4 };
    await client.request(callMessage({ proc: 'append', args: op('ro-c'), key: appendKey }));
    expect(await client.request(callMessage({ proc: 'append', args: op('ro-d'), key: appendKey }))).toMatchObject({ result: { ok: true } });
    expect(await executionsOf(server, 'ro-d')).toHaveLength(0);
    expect(await executionsOf(server, 'ro-c')).toHaveLength(1);
  });
});

describe('overloaded', () => {
  it('a call refused as overloaded did not run and a history records it as fail', async () => {
    // Fill the queue: SLOW_QUEUE calls admitted (one running, the rest queued), each taking SLOW_APPEND_MS.
    const filler = await connect(slow, 'filler');
    const admitted = Array.from({ length: SLOW_QUEUE }, (_, i) =>
      filler.request(callMessage({ proc: 'append', args: op(`fill-${i}`), key: { from: 'filler', seq: i } }), { timeoutMs: 60_000 }),
    );
    await slow.waitForCount((line) => line.event === 'msg-in' && line.peer === 'filler', SLOW_QUEUE);
    const workload = clientStub(workloadService, callerFromClient(await connect(driver, 'harness')), { target: 'driver', deadlineMs: 30_000 });
    expect(await workload.append(op('ov-1'))).toEqual({
      outcome: 'fail',
      error: expect.stringMatching(/^overloaded: /),
      answer: 'error:overloaded',
      keys: [expect.objectContaining({ from: 'driver' })],
    });
    await Promise.all(admitted);
    expect(await executionsOf(slow, 'ov-1')).toHaveLength(0);
    expect(await executionsOf(slow, 'fill-1')).toHaveLength(1);
    expect(outcomeOf(new RemoteError('overloaded', 'full'), behaviourOf('exactly-once'))).toBe('fail');
  });
});

describe('the log service', () => {
  it('records {id, node, by, key, time, intact}: the serving node, its worker, the key as sent, epoch ms', async () => {
    const client = await connect(server, 'record');
    const key = { from: 'record', seq: 1 };
    const before = Date.now();
    await client.request(callMessage({ proc: 'append', args: op('rec-1'), key }));
    const after = Date.now();
    const [execution] = await executionsOf(server, 'rec-1');
    expect(execution).toEqual({ id: 'rec-1', node: 'eo', by: expect.stringMatching(/^eo\/worker-[1-9]\d*$/), key, time: expect.any(Number), intact: true });
    const { time } = execution as unknown as { time: number };
    expect(Number.isInteger(time)).toBe(true);
    expect(time).toBeGreaterThanOrEqual(before);
    expect(time).toBeLessThanOrEqual(after);
  });

  it('digest is the lowercase hex SHA-256 of the UTF-8 bytes of body, compared as a string', async () => {
    const client = await connect(server, 'digest');
    const body = 'räksmörgås ✓';
    const lower = bodyDigest(body);
    expect(lower).toMatch(/^[0-9a-f]{64}$/);
    await client.request(callMessage({ proc: 'append', args: { id: 'dg-lower', body, digest: lower }, key: { from: 'digest', seq: 1 } }));
    await client.request(callMessage({ proc: 'append', args: { id: 'dg-upper', body, digest: lower.toUpperCase() }, key: { from: 'digest', seq: 2 } }));
    expect(await executionsOf(server, 'dg-lower')).toEqual([expect.objectContaining({ intact: true })]);
    expect(await executionsOf(server, 'dg-upper')).toEqual([expect.objectContaining({ intact: false })]);
  });

  it('read pages with offset (default 0) and limit (default and most 2000), and says the total', async () => {
    const client = await connect(server, 'pager');
    const read = (seq: number, args?: unknown) => client.request(callMessage({ proc: 'read', args, key: { from: 'pager', seq } })) as Promise<{ result?: { executions: unknown[]; total: number }; error?: { code: string } }>;
    const whole = (await read(1, {})).result!;
    expect(whole.executions).toHaveLength(whole.total);
    const page = (await read(2, { offset: 1, limit: 2 })).result!;
    expect(page).toEqual({ executions: whole.executions.slice(1, 3), total: whole.total });
    expect((await read(3, { limit: 2001 })).error).toMatchObject({ code: 'invalid-args' });
    expect((await read(4, { offset: whole.total })).result).toEqual({ executions: [], total: whole.total });
  });
});

describe('outside clients and the client program', () => {
  it('stubs over one client call as its hello identity and share one sequence, so their marks never forget each other', async () => {
    const client = await connect(server, 'two-stubs');
    const older = clientStub(logService, callerFromClient(client), { target: 'eo' });
    const newer = clientStub(logService, callerFromClient(client), { target: 'eo' });
    await expect(newer.append(op('two-1'))).resolves.toEqual({ ok: true });
    await expect(older.append(op('two-2'))).resolves.toEqual({ ok: true });
    const [execution] = await executionsOf(server, 'two-2');
    expect(execution).toMatchObject({ key: { from: 'two-stubs' } });
  });

  it('a client program with neither options.target nor a name service reports fail: nothing was sent', async () => {
    const workload = clientStub(workloadService, callerFromClient(await connect(lonely, 'harness')), { target: 'lonely', deadlineMs: 10_000 });
    expect(await workload.append(op('nowhere'))).toEqual({ outcome: 'fail', error: expect.stringMatching(/no server for service log.*options\.target/), keys: [] });
  });

  it('every line these nodes logged is a registered event with registered fields', async () => {
    const nodes = [server, slow, driver, lonely];
    for (const node of nodes) await node.stop();
    expectRegisteredLogging([...retiredLines, ...nodes.flatMap((node) => node.lines)], [
      'semantics',
      'executions-recovered',
      'serving',
      'call-refused',
      'duplicate',
      'msg-in',
      'connect',
    ]);
  });
});
