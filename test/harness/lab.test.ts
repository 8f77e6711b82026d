import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { ProcessBackend } from '../../harness/backends/process.ts';
import { Lab, NAME_SERVICE } from '../../harness/lab.ts';
import { workloadService } from '../../nodes/programs/client.ts';
import { logService } from '../../nodes/programs/log.ts';
import { cutWire } from '../../harness/nemesis/cut-wire.ts';
import { loseReplies } from '../../harness/nemesis/lose-replies.ts';
import { waitFor } from '../helpers/wait.ts';

const runDir = mkdtempSync(join(tmpdir(), 'chaoslab-lab-test-'));
let lab: Lab | undefined;

afterEach(async () => {
  await lab?.close();
  lab = undefined;
});
afterAll(() => rmSync(runDir, { recursive: true, force: true }));

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Pids of the `chaoslab node` processes this test process started. */
function childNodePids(parent = process.pid): number[] {
  try {
    const out = execFileSync('ps', ['-o', 'pid=,args=', '--ppid', String(parent)], { encoding: 'utf8' });
    return out
      .split('\n')
      .filter((line) => /chaoslab node|bin\.mjs node/.test(line))
      .map((line) => Number(line.trim().split(/\s+/)[0]))
      .filter((pid) => pid > 0);
  } catch {
    return []; // ps exits 1 when no process matches
  }
}

describe('a lab on the process backend', () => {
  it('puts one proxy on each directed link, controls nodes, and leaves no process behind', async () => {
    const before = new Set(childNodePids());
    lab = await Lab.start(new ProcessBackend(), {
      runDir,
      nodes: [
        { name: 'n1', programs: ['client'], config: { semantics: 'exactly-once', options: { target: 'n2' } } },
        { name: 'n2', programs: ['log'], config: { semantics: 'exactly-once' } },
        { name: 'n3', programs: ['log'], config: { semantics: 'exactly-once' } },
      ],
    });
    const proxies = Object.keys(await lab.toxiproxy.getAll()).sort();
    expect(proxies).toEqual(['link_n1_n2', 'link_n1_n3', 'link_n2_n1', 'link_n2_n3', 'link_n3_n1', 'link_n3_n2']);
    const started = childNodePids().filter((pid) => !before.has(pid));
    expect(started).toHaveLength(3); // n1, n2, n3 (the name service runs inside the harness)

    const append = (id: string) =>
      lab!.stub('n1', workloadService).append({ id, body: id, digest: 'x' });
    expect((await append('a')).outcome).toBe('ok');

    const port = lab.address('n2').port;
    await lab.crash('n2');
    expect(lab.node('n2').state).toBe('crashed');
    await lab.restart('n2');
    expect(lab.address('n2').port).toBe(port);
    expect((await append('b')).outcome).toBe('ok');
    const { executions } = await lab.stub('n2', logService).read({});
    expect(executions.map((e) => e.id).sort()).toEqual(['a', 'b']);

    await lab.pause('n3');
    expect(lab.node('n3').state).toBe('paused');
    await lab.resume('n3');
    expect(lab.node('n3').state).toBe('running');
    expect(lab.node(NAME_SERVICE).state).toBe('running');

    await lab.close();
    lab = undefined;
    // close() returns once every node process has exited, the restarted n2 included.
    expect(started.filter(alive)).toEqual([]);
    expect(childNodePids().filter((pid) => !before.has(pid))).toEqual([]);
  });

  it('starts and stops toxics and cut wires through the Toxiproxy API, and heal removes every one', async () => {
    lab = await Lab.start(new ProcessBackend(), {
      runDir,
      nodes: [
        { name: 'n1', programs: [], config: {} },
        { name: 'n2', programs: [], config: {} },
      ],
    });
    const fault = loseReplies('n1->n2');
    await fault.start(lab, 'f0');
    expect((await lab.toxiproxy.get('link_n1_n2')).toJson()).toBeDefined();
    const toxics = await (await fetch(`${lab.toxiproxy.host}/proxies/link_n1_n2/toxics`)).json();
    expect(toxics).toMatchObject([{ name: 'f0-lose-replies', stream: 'downstream', type: 'drop_frames' }]);
    await cutWire('n2->n1').start(lab, 'f1');
    expect((await lab.toxiproxy.get('link_n2_n1')).enabled).toBe(false);
    await lab.heal();
    expect((await lab.toxiproxy.get('link_n2_n1')).enabled).toBe(true);
    expect(await (await fetch(`${lab.toxiproxy.host}/proxies/link_n1_n2/toxics`)).json()).toEqual([]);
  });

  it('refuses bad node names and bad links with a clear error', async () => {
    await expect(
      Lab.start(new ProcessBackend(), { runDir, nodes: [{ name: 'n1', programs: [] }, { name: 'n1', programs: [] }] }),
    ).rejects.toThrow(/node name "n1" is used twice/);
    lab = await Lab.start(new ProcessBackend(), { runDir, nodes: [{ name: 'n1', programs: [] }, { name: 'n2', programs: [] }] });
    expect(() => lab!.link('n1-n2')).toThrow(/bad link "n1-n2"/);
    expect(() => lab!.link('n1->n9')).toThrow(/no link "n1->n9"/);
  });
});

describe('chaoslab run interrupted', () => {
  it('stops every node it started on SIGINT, also nodes still booting', async () => {
    const runsDir = mkdtempSync(join(tmpdir(), 'chaoslab-sigint-'));
    const child = spawn(process.execPath, ['harness/cli/bin.mjs', 'run', 'baseline-exactly-once', '--runs-dir', runsDir], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    const deadline = (ms: number, what: string) =>
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), ms));
    try {
      let stderr = '';
      await Promise.race([
        new Promise<void>((resolve, reject) => {
          child.stderr.on('data', (chunk: Buffer) => {
            stderr += chunk.toString();
            if (stderr.includes('starting')) resolve();
          });
          child.once('exit', () => reject(new Error(`run exited before starting its lab:\n${stderr}`)));
        }),
        deadline(60_000, 'the run to start its lab'),
      ]);
      let nodes: number[] = [];
      await waitFor(() => (nodes = childNodePids(child.pid!)).length >= 3, { timeoutMs: 10_000, everyMs: 100 });
      expect(nodes.length).toBeGreaterThanOrEqual(3);
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      child.kill('SIGINT');
      expect(await Promise.race([exited, deadline(30_000, 'the run to exit')])).toBe(130);
      await waitFor(() => !nodes.some(alive), { timeoutMs: 3_000, everyMs: 20 });
      expect(nodes.filter(alive)).toEqual([]);
    } finally {
      child.kill('SIGKILL');
      rmSync(runsDir, { recursive: true, force: true });
    }
  }, 150_000);
});

describe('chaoslab run --parallel', () => {
  it('runs scenarios side by side and reports them in the order they were named', async () => {
    const runsDir = mkdtempSync(join(tmpdir(), 'chaoslab-parallel-'));
    try {
      const names = ['lost-reply-exactly-once', 'baseline-at-most-once', 'cut-wire-at-most-once'];
      const stdout = execFileSync(
        process.execPath,
        ['harness/cli/bin.mjs', 'run', ...names, '--parallel', '3', '--json', '--no-report', '--seed', '5', '--runs-dir', runsDir],
        { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 120_000 },
      );
      const { scenarios } = JSON.parse(stdout) as { scenarios: { name: string; ok: boolean; seed: number }[] };
      expect(scenarios.map((scenario) => scenario.name)).toEqual(names);
      expect(scenarios.every((scenario) => scenario.ok && scenario.seed === 5)).toBe(true);
    } finally {
      rmSync(runsDir, { recursive: true, force: true });
    }
  }, 150_000);
});
