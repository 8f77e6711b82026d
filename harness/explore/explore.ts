import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { replayCommand } from '../outcome/index.ts';
import type { Guarantee } from '../scenario.ts';
import { randomSeed } from '../random.ts';
import { exploreCapabilities, settingProblem, type ExploreBackend } from './backend.ts';
import { labTrialRunner, type TrialRunner } from './lab-trial.ts';
import type { FaultPresetName } from './presets.ts';
import { trialSource, type TrialSetting } from './schedule.ts';
import { search, trialSize, type SearchProgress } from './search.ts';

export interface ExploreOptions extends TrialSetting {
  faults?: FaultPresetName;
  runs?: number;
  timeMs?: number;
  shrinkMs?: number;
  parallel?: number;
  seed?: number;
  maxOps?: number;
  runsDir?: string;
  /**
   * Where trials run (default `sim`, `process` for a node command): the simulator runs a trial in a fraction of the time and replays it exactly;
   * `process` runs real node processes, real sockets and real disks.
   */
  backend?: ExploreBackend;
  onProgress?: (progress: SearchProgress) => void;
  /** The lab by default; tests may pass their own (trials are then drawn as for `backend`). */
  runner?: TrialRunner;
}

/** `chaoslab explore --json` prints this object. */
export interface ExploreResult {
  found: boolean;
  violated: Guarantee[];
  /** What the checkers said in the last run of the smallest schedule that broke a promise while shrinking. */
  reasons?: string[];
  runs: number;
  seed: number;
  scenarioFile?: string;
  /** The minimal run: its folder (with report.html) and how to replay it once the scenario file is committed. */
  runDir?: string;
  replay?: string;
  windows: { before: number; after: number };
  ops: { before: number; after: number };
  /** Search figures for benchmarks: trials per minute, and when the first violation showed. */
  runsPerMinute: number;
  firstViolationMs?: number;
  durationMs: number;
}

/**
 * Searches the setting for a fault schedule that breaks one of its promises, shrinks it, runs the smallest
 * schedule once more with its report, and writes it out as a scenario file that expects what it broke.
 */
export async function explore(options: ExploreOptions): Promise<ExploreResult> {
  const startedAt = performance.now();
  const seed = options.seed ?? randomSeed();
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  const folder = resolve(options.runsDir ?? 'runs', `${stamp}-explore-${options.bug ?? options.semantics}`);
  // A user's own node is an executable, which only real processes run.
  const backend = options.backend ?? (options.command ? 'process' : 'sim');
  const problem = settingProblem({ ...options, backend });
  if (problem) throw new Error(problem);
  const runner = options.runner ?? labTrialRunner({ runsDir: join(folder, 'trials'), backend });
  const setting: TrialSetting = {
    semantics: options.semantics,
    ...(options.bug ? { bug: options.bug } : {}),
    ...(options.command ? { command: options.command } : {}),
  };
  const result = await search({ ...options, setting, runner, seed, capabilities: exploreCapabilities[backend] });
  const base = {
    runs: result.runs,
    seed,
    runsPerMinute: result.runsPerMinute,
    ...(result.firstViolationMs !== undefined ? { firstViolationMs: result.firstViolationMs } : {}),
  };
  if (!result.found) {
    return { found: false, violated: [], ...base, windows: { before: 0, after: 0 }, ops: { before: 0, after: 0 }, durationMs: Math.round(performance.now() - startedAt) };
  }
  const { before, after, violated } = result.found;
  const minimal = await runner(after, setting, { report: true });
  const name = `explored-${violated[0]}-${options.bug ?? options.semantics}`;
  const story =
    `Found by chaoslab explore (seed ${seed}, trial seed ${after.seed}) and shrunk from ${trialSize(before).windows} fault windows ` +
    `and ${before.ops} ops: ${options.semantics}${options.bug ? ` with bug ${options.bug}` : ''} breaks ${violated.join(' and ')}.`;
  await mkdir(folder, { recursive: true });
  const scenarioFile = join(folder, `${name}.ts`);
  await writeFile(scenarioFile, trialSource(after, setting, name, violated, story));
  return {
    found: true,
    violated,
    ...(result.found.run.reasons ? { reasons: result.found.run.reasons } : {}),
    ...base,
    scenarioFile,
    runDir: minimal.dir,
    // On the backend the trials ran on: a sim find replays exactly there, and a power loss runs nowhere else.
    replay: `cp ${scenarioFile} scenarios/ && ${replayCommand(name, after.seed, backend)}`,
    windows: { before: trialSize(before).windows, after: trialSize(after).windows },
    ops: { before: before.ops, after: after.ops },
    durationMs: Math.round(performance.now() - startedAt),
  };
}
