// The catalogue on sim against the catalogue on processes (not a test: it prints figures, never fails on them).
//   node --import tsx bench/sim.ts [--seed 3] [--process-parallel 2]
// Each backend runs every scenario of the built-in catalogue once with one seed: processes at their default
// parallelism (two at a time), the simulation one at a time (it never waits, so it keeps one core busy). Wall time
// per backend, scenario runs per minute, the speed-up, and any scenario whose run did not match its expectation.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import Table from 'cli-table3';
import { loadCatalogue } from '../harness/catalogue.ts';
import { closeActiveLabs, runScenario } from '../harness/run.ts';
import type { Scenario } from '../harness/scenario.ts';

const { values } = parseArgs({ options: { seed: { type: 'string', default: '3' }, 'process-parallel': { type: 'string', default: '2' } } });
const seed = Number(values.seed);
const catalogue = await loadCatalogue();

interface Timing {
  backend: 'process' | 'sim';
  ms: number;
  runs: number;
  skipped: number;
  unexpected: string[];
}

async function time(backend: Timing['backend'], parallel: number): Promise<Timing> {
  const runsDir = mkdtempSync(join(tmpdir(), `chaoslab-bench-sim-${backend}-`));
  const queue: Scenario[] = [...catalogue];
  const timing: Timing = { backend, ms: 0, runs: 0, skipped: 0, unexpected: [] };
  const started = performance.now();
  try {
    await Promise.all(
      Array.from({ length: parallel }, async () => {
        for (let scenario = queue.shift(); scenario; scenario = queue.shift()) {
          const run = await runScenario(scenario, { backend, seed, runsDir, report: false });
          if (run.skipped) timing.skipped++;
          else timing.runs++;
          if (!run.ok) timing.unexpected.push(scenario.name);
        }
      }),
    );
  } finally {
    timing.ms = performance.now() - started;
    rmSync(runsDir, { recursive: true, force: true });
  }
  return timing;
}

const sim = await time('sim', 1);
const processes = await time('process', Number(values['process-parallel']));
await closeActiveLabs();

const table = new Table({ head: ['backend', 'scenarios run', 'skipped', 'wall time s', 'runs per minute', 'not as expected'] });
for (const t of [processes, sim]) {
  table.push([t.backend, t.runs, t.skipped, (t.ms / 1000).toFixed(1), ((t.runs * 60_000) / t.ms).toFixed(0), t.unexpected.join(', ') || '-']);
}
console.log(`bench/sim: the built-in catalogue (${catalogue.length} scenarios), seed ${seed}, Node ${process.version}`);
console.log(table.toString());
console.log(`sim vs process: ${(processes.ms / sim.ms).toFixed(1)}x faster in wall time`);
