import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NodeClient } from '../../nodes/client.ts';
import { RemoteError } from '../../nodes/errors.ts';
import { credentialFor } from '../../nodes/names/credentials.ts';
import { namesService } from '../../nodes/names/service.ts';
import { workloadService } from '../../nodes/programs/client.ts';
import { fileSysService } from '../../nodes/programs/filesys.ts';
import { logService } from '../../nodes/programs/log.ts';
import { callerFromClient } from '../../nodes/rpc/caller.ts';
import { CallTimeout } from '../../nodes/rpc/errors.ts';
import { clientStub } from '../../nodes/rpc/stub.ts';
import { bodyDigest } from '../../nodes/semantics/integrity.ts';
import { startNode, stopAllNodes, type NodeProcess } from '../helpers/node-process.ts';

// RPC over real node processes: typed stubs, schema checks, workers, deadlines, name-service binding,
// fail-over to a replica after a SIGKILL, access control.

const root = mkdtempSync(join(tmpdir(), 'chaoslab-rpc-'));
const clients: NodeClient[] = [];
afterAll(async () => {
  for (const client of clients) client.close();
  await stopAllNodes();
  rmSync(root, { recursive: true, force: true });
});

async function connect(node: NodeProcess, options: { identity?: string; credential?: string } = {}) {
  const client = await NodeClient.connect(node.address, { identity: 'harness', ...options });
  clients.push(client);
  return client;
}

const op = (id: string) => ({ id, body: `body ${id}`, digest: bodyDigest(`body ${id}`) });
const DELAY_MS = 1200;
const WORKERS = 8;

describe('RPC between real nodes, bound through the name service', () => {
  let ns: NodeProcess, b1: NodeProcess, b2: NodeProcess, a: NodeProcess;

  beforeAll(async () => {
    ns = await startNode({ startTimeoutMs: 90_000, id: 'ns', programs: ['name-service'] });
    const nameService = ['--name-service', `127.0.0.1:${ns.port}`];
    [b1, b2, a] = await Promise.all([
      startNode({ startTimeoutMs: 90_000, id: 'b1', data: join(root, 'b1'), programs: ['log', 'filesys'], args: nameService, config: { workers: WORKERS, options: { appendDelayMs: DELAY_MS } } }),
      startNode({ startTimeoutMs: 90_000, id: 'b2', data: join(root, 'b2'), programs: ['log'], args: nameService }),
      startNode({ startTimeoutMs: 90_000, id: 'a', data: join(root, 'a'), programs: ['client'], args: nameService, config: { semantics: 'at-most-once' } }),
    ]);
    await Promise.all([b1.waitFor('registered'), b2.waitFor('registered'), a.waitFor('program-started')]);
  });

  it('typed round trips: FileSys.Write then FileSys.Read through the generated stub', async () => {
    const fs = clientStub(fileSysService, callerFromClient(await connect(b1)), { target: 'b1' });
    expect(await fs.Write({ name: 'rutabaga', data: 'root vegetable' })).toEqual({ ok: true, bytes: 14 });
    expect(await fs.Read({ name: 'rutabaga' })).toEqual({ data: 'root vegetable' });
    await expect(fs.Read({ name: 'turnip' })).rejects.toMatchObject({ code: 'not-found' });
  });

  it('arguments that break the schema are refused with an error naming the field; the procedure does not run', async () => {
    const connection = await connect(b2);
    const log = clientStub(logService, callerFromClient(connection), { target: 'b2' });
    const before = (await log.stats({})).executions;
    const bad = log.append({ id: 42, body: 'x', digest: 'y' } as never);
    await expect(bad).rejects.toBeInstanceOf(RemoteError);
    await expect(bad).rejects.toMatchObject({ code: 'invalid-args', message: expect.stringMatching(/log\.append.*\bid\b/) });
    await expect(connection.request({ type: 'call', call: { service: 'log', proc: 'nope', args: {}, key: { from: 'harness', seq: 1 }, deadline: Date.now() + 5000 } })).resolves.toMatchObject({
      error: { code: 'no-such-procedure' },
    });
    expect((await log.stats({})).executions).toBe(before);
  });

  it(`${WORKERS} concurrent slow calls finish in about one call's time with ${WORKERS} workers`, async () => {
    const log = clientStub(logService, callerFromClient(await connect(b1)), { target: 'b1', deadlineMs: 30_000 });
    const started = Date.now();
    await Promise.all(Array.from({ length: WORKERS }, (_, i) => log.append(op(`slow-${i}`))));
    const elapsed = Date.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(DELAY_MS - 50);
    // One after another would take WORKERS x DELAY_MS; allow a lot of slack for a busy machine.
    expect(elapsed).toBeLessThan((WORKERS * DELAY_MS) / 2);
  });

  it('a call that exceeds its deadline throws CallTimeout naming service, procedure and node', async () => {
    const log = clientStub(logService, callerFromClient(await connect(b1)), { target: 'b1', deadlineMs: 300 });
    const late = log.append(op('late'));
    await expect(late).rejects.toBeInstanceOf(CallTimeout);
    await expect(late).rejects.toThrow(/log\.append on node b1/);
  });

  it('the name service binds the log service and answers per asking node', async () => {
    const names = clientStub(namesService, callerFromClient(await connect(ns)), { target: 'ns' });
    expect(await names.lookup({ service: 'log' })).toEqual({ nodes: ['b1', 'b2'] });
    await names.setLinks({ links: [{ from: 'a', to: 'b1', host: '127.0.0.1', port: b1.port }] });
    expect(await names.resolve({ node: 'b1' })).toEqual({ host: '127.0.0.1', port: b1.port });
    const workload = clientStub(workloadService, callerFromClient(await connect(a)), { target: 'a', deadlineMs: 20_000 });
    expect(await workload.append(op('bound'))).toMatchObject({ outcome: 'ok', answer: 'result' });
    const onB1 = clientStub(logService, callerFromClient(await connect(b1)), { target: 'b1' });
    expect((await onB1.read({})).executions.map((e) => e.id)).toContain('bound');
  });

  it('fail-over: with the bound server SIGKILLed, the call succeeds on the replica', async () => {
    await b1.kill();
    const workload = clientStub(workloadService, callerFromClient(await connect(a)), { target: 'a', deadlineMs: 20_000 });
    expect(await workload.append(op('after-failover'))).toMatchObject({ outcome: 'ok', answer: 'result' });
    const onB2 = clientStub(logService, callerFromClient(await connect(b2)), { target: 'b2' });
    const executions = (await onB2.read({})).executions.filter((e) => e.id === 'after-failover');
    expect(executions).toHaveLength(1);
    expect(executions[0]!.node).toBe('b2');
  });
});

describe('access control', () => {
  const labKey = 'test-lab-key';
  const security = (id: string) => ({ labKey, credential: credentialFor(labKey, id), acl: { names: ['*'], log: ['a', 'harness-reader'], workload: ['harness'] } });
  let b: NodeProcess, a: NodeProcess, c: NodeProcess;

  beforeAll(async () => {
    const ns = await startNode({ startTimeoutMs: 90_000, id: 'sns', programs: ['name-service'], config: { security: security('sns') } });
    const nameService = ['--name-service', `127.0.0.1:${ns.port}`];
    [b, a, c] = await Promise.all([
      startNode({ startTimeoutMs: 90_000, id: 'sb', programs: ['log'], args: nameService, config: { security: { ...security('sb'), acl: { ...security('sb').acl, log: ['a', 'harness-reader'] } } } }),
      startNode({ startTimeoutMs: 90_000, id: 'a', programs: ['client'], args: nameService, config: { security: security('a') } }),
      startNode({ startTimeoutMs: 90_000, id: 'c', programs: ['client'], args: nameService, config: { security: security('c') } }),
    ]);
    await Promise.all([b.waitFor('registered'), a.waitFor('program-started'), c.waitFor('program-started')]);
  });

  const appendAs = async (node: NodeProcess, id: string) => {
    const connection = await connect(node, { credential: credentialFor(labKey, 'harness') });
    return clientStub(workloadService, callerFromClient(connection), { target: node.id, deadlineMs: 15_000 }).append(op(id));
  };
  const logCount = async () => {
    const reader = await connect(b, { identity: 'harness-reader', credential: credentialFor(labKey, 'harness-reader') });
    return (await clientStub(logService, callerFromClient(reader, 'harness-reader'), { target: 'sb' }).stats({})).executions;
  };

  it('a listed caller is served', async () => {
    expect(await appendAs(a, 'allowed')).toMatchObject({ outcome: 'ok', answer: 'result' });
    expect(await logCount()).toBe(1);
  });

  it('an unlisted caller gets permission-denied (reported as fail) and the procedure never runs', async () => {
    const result = await appendAs(c, 'denied');
    expect(result.outcome).toBe('fail');
    expect(result.error).toMatch(/permission/);
    const direct = clientStub(logService, callerFromClient(await connect(b, { credential: credentialFor(labKey, 'harness') })), { target: 'sb' });
    await expect(direct.append(op('denied-direct'))).rejects.toMatchObject({ code: 'permission-denied' });
    expect(await logCount()).toBe(1);
  });

  it('a forged or missing credential is refused at hello', async () => {
    const attempt = async (credential?: string) => {
      const connection = await NodeClient.connect(b.address, { identity: 'a', credential });
      clients.push(connection);
      return clientStub(logService, callerFromClient(connection, 'a'), { target: 'sb', deadlineMs: 3000 }).append(op('forged'));
    };
    await expect(attempt(credentialFor('wrong-key', 'a'))).rejects.toThrow();
    await expect(attempt(undefined)).rejects.toThrow();
    await b.waitForCount((line) => line.event === 'drop' && line.reason === 'unauthenticated', 2);
    expect(await logCount()).toBe(1);
  });
});
