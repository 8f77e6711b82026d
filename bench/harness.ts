// Harness benchmark (not a test): `node --import tsx bench/harness.ts [--skip-catalogue]`.
// Times one standard scenario (3 nodes, 1,000 ops, two fault windows) STANDARD_RUNS times in this process (the
// first also loads what a fresh harness has not loaded yet; the later ones are what each scenario of a catalogue
// run costs), the whole catalogue as the main job runs it (`chaoslab run`, a process of its own), and labs of 3,
// 9 and 27 nodes from start to stop. Bounded: every run stops by itself.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProcessBackend } from '../harness/backends/process.ts';
import { Lab } from '../harness/lab.ts';
import { closeActiveLabs, runScenario } from '../harness/run.ts';
import { crash, defineScenario, loseReplies } from '../harness/scenario.ts';

const runsDir = mkdtempSync(join(tmpdir(), 'chaoslab-bench-'));
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

const standard = defineScenario({
  name: 'standard-exactly-once',
  description: '3 nodes, 1,000 appends, lost replies then a receiver crash.',
  nodes: { count: 3, semantics: 'exactly-once', config: { options: { target: 'n2' } } },
  workload: { ops: 1000, concurrency: 8 },
  faults: [
    { fault: loseReplies('n1->n2'), at: { ops: 200 }, duration: 300 },
    { fault: crash('n2'), at: { ops: 600 }, duration: 200 },
  ],
  expect: { 'exactly-once': 'holds' },
});

async function timeLab(count: number): Promise<{ start: number; stop: number }> {
  const t0 = performance.now();
  const lab = await Lab.start(new ProcessBackend(), {
    runDir: join(runsDir, `lab-${count}`),
    nodes: Array.from({ length: count }, (_, i) => ({ name: `n${i + 1}`, programs: ['log'], config: {} })),
  });
  const t1 = performance.now();
  await lab.close();
  return { start: t1 - t0, stop: performance.now() - t1 };
}

const STANDARD_RUNS = 5;

try {
  const durations: number[] = [];
  for (let i = 0; i < STANDARD_RUNS; i++) {
    const run = await runScenario(standard, { runsDir, seed: 1 });
    if (!run.ok) console.log(`standard scenario NOT as expected: ${run.error ?? JSON.stringify(run.observed)}`);
    durations.push(run.durationMs);
  }
  const [first, ...later] = durations;
  const sorted = [...later].sort((a, b) => a - b);
  console.log(
    `standard scenario (3 nodes, 1,000 ops, 2 fault windows): first run ${seconds(first!)}, ` +
      `later runs median ${seconds(sorted[Math.floor(sorted.length / 2)]!)} (${sorted.map(seconds).join(', ')})`,
  );
  for (const count of [3, 9, 27]) {
    try {
      const { start, stop } = await timeLab(count);
      console.log(`lab of ${count} nodes (${count * (count - 1)} proxies): start ${seconds(start)}, stop ${seconds(stop)}`);
    } catch (error) {
      console.log(`lab of ${count} nodes: failed: ${(error as Error).message}`);
    }
  }
  if (!process.argv.includes('--skip-catalogue')) {
    const t0 = performance.now();
    let stdout: string;
    try {
      stdout = execFileSync(process.execPath, ['harness/cli/bin.mjs', 'run', '--json', '--runs-dir', join(runsDir, 'catalogue')], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
        timeout: 600_000,
      });
    } catch (error) {
      stdout = (error as { stdout?: string }).stdout ?? '{"scenarios": []}'; // exit 1: some verdict not as expected
    }
    const { scenarios } = JSON.parse(stdout) as { scenarios: { ok: boolean }[] };
    const asExpected = scenarios.filter((scenario) => scenario.ok).length;
    console.log(`catalogue (chaoslab run): ${scenarios.length} scenarios in ${seconds(performance.now() - t0)} (${asExpected} as expected)`);
  }
} finally {
  await closeActiveLabs();
  rmSync(runsDir, { recursive: true, force: true });
}
