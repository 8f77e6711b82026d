import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { InvalidConfig } from '../../nodes/errors.ts';
import { configFromFlags } from '../../nodes/main.ts';
import { nodeArgs, startNode, stopAllNodes } from '../helpers/node-process.ts';

afterEach(stopAllNodes);
const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

function runToExit(args: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd: new URL('../..', import.meta.url).pathname, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr });
    });
  });
}

describe('node configuration', () => {
  it('layers file, inline JSON and flags, flags last', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'chaoslab-config-'));
    dirs.push(dir);
    const file = join(dir, 'node.json');
    await writeFile(file, JSON.stringify({ id: 'from-file', port: 1000, mailboxCapacity: 7, peers: { a: { host: '127.0.0.1', port: 1 } } }));
    const config = configFromFlags({
      config: file,
      configJson: JSON.stringify({ port: 2000, semantics: 'exactly-once' }),
      id: 'from-flag',
      peer: ['b=127.0.0.1:2'],
      program: ['coke-consumer'],
    });
    expect(config).toMatchObject({
      id: 'from-flag',
      port: 2000,
      mailboxCapacity: 7,
      semantics: 'exactly-once',
      programs: ['coke-consumer'],
      peers: { a: { host: '127.0.0.1', port: 1 }, b: { host: '127.0.0.1', port: 2 } },
      host: '127.0.0.1',
      maxFrameBytes: 1024 * 1024,
      retransmit: { initialMs: 25, maxAttempts: 50 },
    });
  });

  it('rejects bad configurations with a message naming the problem', () => {
    expect(() => configFromFlags({ port: 1 })).toThrow(/id/);
    expect(() => configFromFlags({ id: 'x', port: 1, peer: ['nonsense'] })).toThrow(InvalidConfig);
    expect(() => configFromFlags({ id: 'x', port: 1, configJson: '{oops' })).toThrow(/not valid JSON/);
    expect(() => configFromFlags({ id: 'x', port: 1, configJson: '{"colour":"red"}' })).toThrow(/colour/);
  });

  it('exits 2 with a clear error on a bad configuration', async () => {
    const missingId = await runToExit(['harness/cli/bin.mjs', 'node', '--port', '0']);
    expect(missingId.code).toBe(2);
    expect(missingId.stderr).toMatch(/id/);
    const badPort = await runToExit(['harness/cli/bin.mjs', 'node', '--id', 'x', '--port', 'eighty']);
    expect(badPort.code).toBe(2);
    expect(badPort.stderr).toMatch(/--port/);
    const unknownProgram = await runToExit(nodeArgs({ id: 'x', programs: ['no-such-program'] }));
    expect(unknownProgram.code).not.toBe(0);
    expect(unknownProgram.stderr).toMatch(/unknown program/);
  });

  it('stops cleanly on SIGTERM: logs stopping with its counters and exits 0', async () => {
    const node = await startNode({ id: 'term' });
    expect(node.lines[0]).toMatchObject({ event: 'listening', node: 'term', port: node.port });
    const { code } = await node.stop();
    expect(code).toBe(0);
    expect(node.events('stopping')[0]).toMatchObject({ counters: expect.objectContaining({ rejectedFrames: 0 }) });
  });
});
