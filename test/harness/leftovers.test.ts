import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ProcessBackend } from '../../harness/backends/process.ts';
import { isRunning, processStart } from '../../harness/backends/leftovers.ts';
import { Lab } from '../../harness/lab.ts';
import { runScenario } from '../../harness/run.ts';
import { defineScenario } from '../../harness/scenario.ts';

// Nothing a run starts may outlive it: an aborted run stops its lab, and `chaoslab clean` removes what a harness
// killed with SIGKILL left behind (node processes, data folders), and nothing else.
const root = join(import.meta.dirname, '..', '..');
const bin = join(root, 'harness', 'cli', 'bin.mjs');
const scratch = mkdtempSync(join(tmpdir(), 'chaoslab-leftovers-test-'));
const children: ChildProcess[] = [];
/** Node processes the tests saw noted, stopped at the end should a test fail before its cleanup did it. */
const seen: { pid: number; start: string }[] = [];
afterAll(() => {
  for (const child of children) child.kill('SIGKILL');
  for (const node of seen.filter(isRunning)) process.kill(node.pid, 'SIGKILL');
  rmSync(scratch, { recursive: true, force: true });
});

interface Note {
  harness: { pid: number; start: string };
  nodes: { name: string; pid: number; start: string }[];
}

/** The labs' data folders under `dir` with their notes of what they started. */
function labFolders(dir: string, harnessPid?: number): { root: string; note: Note | undefined }[] {
  return readdirSync(dir)
    .filter((name) => (harnessPid === undefined ? /^chaoslab-\d+-/ : new RegExp(`^chaoslab-${harnessPid}-`)).test(name))
    .map((name) => {
      const file = join(dir, name, 'chaoslab-lab.json');
      return { root: join(dir, name), note: existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Note) : undefined };
    });
}

/** `chaoslab clean` with `dir` as the temp dir, so that it sees this test's labs only. */
function clean(dir: string, ...args: string[]) {
  const result = spawnSync(process.execPath, [bin, 'clean', ...args], { encoding: 'utf8', env: { ...process.env, TMPDIR: dir }, timeout: 60_000 });
  expect(result.status, result.stderr).toBe(0);
  return result.stdout;
}

const longScenario = defineScenario({
  name: 'long-baseline-exactly-once',
  description: 'a run long enough to be stopped in the middle',
  nodes: { count: 2, semantics: 'exactly-once' },
  workload: { ops: 100_000, concurrency: 2, rate: 100 },
  expect: { 'exactly-once': 'holds' },
});

describe('an aborted run', () => {
  it('stops its node processes and removes its data folders before it rejects', async () => {
    const controller = new AbortController();
    let nodesReady!: () => void;
    const ready = new Promise<void>((resolve) => (nodesReady = resolve));
    const run = runScenario(longScenario, {
      runsDir: join(scratch, 'runs'),
      report: false,
      signal: controller.signal,
      onProgress: (line) => line.includes('nodes ready') && nodesReady(),
    });
    run.catch(() => {});
    await ready;
    const [lab, ...others] = labFolders(tmpdir(), process.pid);
    expect(others).toEqual([]);
    const nodes = lab!.note!.nodes;
    seen.push(...nodes);
    expect(nodes.map((node) => node.name).sort()).toEqual(['n1', 'n2']);
    expect(nodes.every(isRunning)).toBe(true);

    controller.abort(new Error('the test timed out'));
    await expect(run).rejects.toThrow('the test timed out');
    // Settled only once every node process has exited and the folder is gone.
    expect(nodes.filter(isRunning)).toEqual([]);
    expect(existsSync(lab!.root)).toBe(false);
  });

  it("is what a vitest test that times out gets: the test's signal stops its lab", async () => {
    const dir = mkdtempSync(join(scratch, 'tmp-'));
    const out = join(dir, 'note.json');
    const report = join(dir, 'report.json');
    const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('VITEST')));
    const vitest = spawnSync(
      process.execPath,
      [join(root, 'node_modules', 'vitest', 'vitest.mjs'), 'run', '--config', 'test/harness/fixtures/vitest-timeout.config.ts', '--reporter=json', `--outputFile=${report}`],
      { cwd: root, encoding: 'utf8', env: { ...env, TMPDIR: dir, FIXTURE_OUT: out, FIXTURE_RUNS: join(scratch, 'runs') }, timeout: 120_000 },
    );
    const results = (JSON.parse(readFileSync(report, 'utf8')) as { testResults: { assertionResults: { title: string; status: string }[] }[] })
      .testResults[0]!.assertionResults;
    expect(results.map((result) => [result.title, result.status]), vitest.stderr).toEqual([
      ['runs a scenario past its timeout', 'failed'],
      ['finds that run ended by its timeout, its lab stopped', 'passed'],
    ]);
    // (runScenario rejects only when aborted: the first test failed by its timeout, the second saw the rejection.)
    // The lab was up (its note was taken once its nodes were ready), and nothing of it is left.
    const note = JSON.parse(readFileSync(out, 'utf8')) as Note;
    seen.push(...note.nodes);
    expect(note.nodes).toHaveLength(2);
    expect(note.nodes.filter(isRunning)).toEqual([]);
    expect(labFolders(dir)).toEqual([]);
  }, 150_000);

  it('refuses to start when its signal is already aborted', async () => {
    await expect(runScenario(longScenario, { signal: AbortSignal.abort(new Error('too late')) })).rejects.toThrow('too late');
  });
});

describe('chaoslab clean on the process backend', () => {
  it('after kill -9 of `chaoslab run` mid-scenario, stops its nodes and removes its data folder', async () => {
    const dir = mkdtempSync(join(scratch, 'tmp-'));
    // A reply-loss window of 1.5 s from op 50: the run is still going well after its nodes are ready.
    const harness = spawn(process.execPath, [bin, 'run', 'receiver-crash-exactly-once', '--no-report', '--runs-dir', join(scratch, 'runs')], {
      env: { ...process.env, TMPDIR: dir },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    children.push(harness);
    let stderr = '';
    await new Promise<void>((resolve, reject) => {
      harness.stderr!.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
        if (stderr.includes('nodes ready')) resolve();
      });
      harness.once('exit', () => reject(new Error(`the run ended before its nodes were ready:\n${stderr}`)));
    });
    const exited = new Promise((resolve) => harness.once('exit', resolve));
    harness.kill('SIGKILL');
    await exited;

    // What the dead harness left: its nodes still run, its folder is still there.
    const [lab, ...others] = labFolders(dir, harness.pid);
    expect(others).toEqual([]);
    const nodes = lab!.note!.nodes;
    seen.push(...nodes);
    expect(nodes.length).toBeGreaterThanOrEqual(2);
    expect(nodes.filter(isRunning).length).toBeGreaterThanOrEqual(2);

    expect(clean(dir)).toMatch(/^removed [2-9] node processes, 1 data folders$/m);
    expect(nodes.filter(isRunning)).toEqual([]);
    expect(labFolders(dir)).toEqual([]); // (tsx keeps its own cache there too)
  }, 120_000);

  it("leaves a running harness's lab alone, and never stops a process that is not the lab's node", async () => {
    const dir = mkdtempSync(join(scratch, 'tmp-'));
    const previous = process.env.TMPDIR;
    process.env.TMPDIR = dir;
    let lab: Lab | undefined;
    try {
      lab = await Lab.start(new ProcessBackend(), {
        runDir: join(scratch, 'lab'),
        nodes: [
          { name: 'n1', programs: [] },
          { name: 'n2', programs: [] },
        ],
      });
    } finally {
      process.env.TMPDIR = previous;
    }
    try {
      // A dead harness's note that names a process which is not a chaoslab node (a pid since given to another).
      const bystander = spawn('sleep', ['60'], { stdio: 'ignore' });
      children.push(bystander);
      const dead = spawnSync(process.execPath, ['-e', 'console.log(process.pid)'], { encoding: 'utf8' });
      const deadPid = Number(dead.stdout.trim());
      const stale = join(dir, `chaoslab-${deadPid}-0-stale`);
      mkdirSync(stale);
      const bystanderStart = processStart(bystander.pid!)!;
      expect(bystanderStart).toBeDefined();
      writeFileSync(
        join(stale, 'chaoslab-lab.json'),
        JSON.stringify({ harness: { pid: deadPid, start: '1' }, nodes: [{ name: 'n1', pid: bystander.pid, start: bystanderStart }] }),
      );

      expect(clean(dir)).toMatch(/^removed 0 node processes, 1 data folders; left: 1 labs of runs still going on/m);
      expect(isRunning({ pid: bystander.pid!, start: bystanderStart })).toBe(true);
      expect(existsSync(stale)).toBe(false);
      const [living] = labFolders(dir);
      expect(living!.note!.nodes.every(isRunning)).toBe(true);
      expect(lab.running('n1').state).toBe('running');
    } finally {
      await lab.close();
    }
    expect(labFolders(dir)).toEqual([]);
  });
});
