import { join, resolve } from 'node:path';
import type { Backend } from './backends/backend.ts';
import type { Timer } from '../nodes/env/index.ts';
import { ProcessBackend } from './backends/process.ts';
import { isChaoslabProxy } from './toxiproxy.ts';
import { checkRun } from './checkers/index.ts';
import { plural } from './checkers/result.ts';
import { runFiles, writeExecutions, writeWire, type Execution, type WireRecord } from './history/index.ts';
import { HistoryRecorder } from './history/recorder.ts';
import { readFrameRejections } from './history/frame-rejections.ts';
import { Lab } from './lab.ts';
import { realWorld } from './world.ts';
import { writeReport, writeRunsIndex } from './report/index.ts';
import type { KnownRecords } from './report/run-folder.ts';
import { lackingReason, playSchedule, unsupportedFaults } from './nemesis/nemesis.ts';
import type { Capability, FaultWindow } from './nemesis/fault.ts';
import { compareWithExpected, replayCommand, writeVerdictFile, type BackendName, type ScenarioOutcome } from './outcome/index.ts';
import type { Result, Verdict } from './checkers/result.ts';
import { nodeNames, type Scenario, type ScenarioContext } from './scenario.ts';
import { replayTarget } from './catalogue.ts';
import { labShell } from './shell.ts';
import { planOps } from './workload/generator.ts';
import { Rng, randomSeed } from './random.ts';
import { Workload } from './workload/workload.ts';
import { drainExecutions, readWire } from './run/drain.ts';
import { createRunFolder } from './run/folder.ts';
import { labNodes, programsOf } from './run/lab-nodes.ts';

export interface RunOptions {
  backend?: BackendName;
  /** Replays a run: the same seed draws the same workload and fault schedule. */
  seed?: number;
  /** An external Toxiproxy (standard toxics only). */
  toxiproxyUrl?: string;
  /** Where run folders go (default ./runs). */
  runsDir?: string;
  /** Write report.html into the run folder (default true; it costs about a second per run). */
  report?: boolean;
  /** Longest the workload and faults may take before the run is abandoned as an error (default: from the ops). */
  timeLimitMs?: number;
  /** Live progress lines (the CLI prints them on stderr). */
  onProgress?: (line: string) => void;
  /**
   * Stops the run when aborted: its lab is closed (node processes stopped, data folders removed) and runScenario
   * rejects with the signal's reason. A vitest test passes its own (`it('...', async ({ signal }) => ...)`), which
   * vitest aborts when the test times out or is cancelled, so that nothing the test started outlives it.
   */
  signal?: AbortSignal;
}

/** How to stop the lab of every run under way, started or still starting. */
const runsUnderWay = new Set<() => Promise<void>>();

/**
 * Stops every lab still running or starting, and resolves once all is stopped (on SIGINT/SIGTERM, or in a test
 * file's afterAll so that its worker does not exit while an aborted run is still stopping its lab).
 */
export async function closeActiveLabs(): Promise<void> {
  await Promise.allSettled([...runsUnderWay].map((stop) => stop()));
}

/**
 * One run as it goes from phase to phase: what was planned, then what each phase added to its outcome and records.
 * `runScenario` passes it along: plan, run the lab, heal and drain, check, persist, report.
 */
interface Run {
  scenario: Scenario;
  options: RunOptions;
  seed: number;
  rng: Rng;
  /** The fault schedule, drawn from the seed. */
  windows: FaultWindow[];
  dir: string;
  expected: Record<string, Verdict>;
  /** performance.now() at the run's start: durations and progress lines count from it. */
  startedAt: number;
  progress: (line: string) => void;
  outcome: ScenarioOutcome;
  /** What the run recorded, handed to the report as it is rather than read back from the folder. */
  recorded: KnownRecords;
}

/** Runs one scenario: plan -> lab with workload and nemesis -> heal and drain -> check -> persist -> report. */
export async function runScenario(scenario: Scenario, options: RunOptions = {}): Promise<ScenarioOutcome> {
  options.signal?.throwIfAborted();
  const run = plan(scenario, options);
  const backend = await createBackend(run.outcome.backend, options, run.rng.fork('proxy').int(1, 2 ** 31 - 1), run.rng.fork('sim').int(1, 2 ** 31 - 1));
  const skipped = skipReason(scenario, run.windows, backend);
  if (skipped) {
    await backend.close();
    run.progress(`skipped (${skipped})`);
    return { ...finished(run), ok: true, skipped };
  }
  if (options.signal?.aborted) {
    await backend.close();
    throw options.signal.reason;
  }
  await underLab(run, backend, async (lab, recorder, untilAborted, commands) => {
    const { world } = lab;
    const drained = await world.simulate(
      (async () => {
        run.outcome.faults = await withTimeLimit(lab, untilAborted(drive(lab, run, recorder, commands)), timeLimitMs(scenario, options));
        return untilAborted(healAndDrain(run, lab, recorder));
      })(),
    );
    const checked = await check(run, recorder, drained, world.env.clock.now());
    await persist(run, recorder, drained, checked);
  });
  if (options.signal?.aborted) {
    run.progress('aborted');
    throw options.signal.reason;
  }
  return report(run);
}

/** Draws the seed and the fault schedule, names the run folder and starts the outcome: nothing has run yet. */
function plan(scenario: Scenario, options: RunOptions): Run {
  const startedAt = performance.now();
  const backend = options.backend ?? 'process';
  const seed = options.seed ?? randomSeed();
  const onProgress = options.onProgress ?? (() => {});
  const expected = scenario.expect as Record<string, Verdict>;
  const dir = createRunFolder(options.runsDir ?? 'runs', scenario.name);
  const rng = new Rng(seed);
  return {
    scenario,
    options,
    seed,
    rng,
    windows: typeof scenario.faults === 'function' ? scenario.faults(rng.fork('faults')) : (scenario.faults ?? []),
    dir,
    expected,
    startedAt,
    progress: (line) => onProgress(`${scenario.name} +${((performance.now() - startedAt) / 1000).toFixed(1)}s: ${line}`),
    outcome: {
      name: scenario.name,
      backend,
      seed,
      expected,
      observed: {},
      ok: false,
      ops: 0,
      faults: 0,
      durationMs: 0,
      dir,
      replay: replayCommand(replayTarget(scenario), seed, backend),
      results: [],
    },
    recorded: {},
  };
}

/** The outcome as it stands, with the time taken so far. */
function finished(run: Run): ScenarioOutcome {
  return { ...run.outcome, durationMs: Math.round(performance.now() - run.startedAt) };
}

/** Why the scenario cannot run on this backend or proxy, if it cannot. */
function skipReason(scenario: Scenario, windows: FaultWindow[], backend: Backend): string | undefined {
  const offered: Record<Capability, boolean> = { 'frame-toxics': backend.frameToxics, 'power-loss': backend.powerLoss === true };
  const declared = scenario.needs?.find((capability) => !offered[capability]);
  if (declared) return lackingReason(declared);
  return backend.cannotRun?.(labNodes(scenario, 0), scenario.script !== undefined) ?? unsupportedFaults(windows.map((window) => window.fault), offered);
}

type UntilAborted = <T>(work: Promise<T>) => Promise<T>;

/**
 * Starts the lab, runs `phases` on it with a history recorder, and stops the lab whichever way they end. A failure
 * becomes the outcome's error; an abort stops the lab at once, the phase under way then fails, and the caller
 * rejects with the signal's reason.
 */
async function underLab(
  run: Run,
  backend: Backend,
  phases: (lab: Lab, recorder: HistoryRecorder, untilAborted: UntilAborted, commands: AbortSignal) => Promise<void>,
): Promise<void> {
  const { scenario, options, progress } = run;
  progress(`starting ${scenario.nodes.count} nodes on ${run.outcome.backend} (seed ${run.seed})`);
  let lab: Lab | undefined;
  let starting: Promise<Lab> | undefined;
  let stopped: Promise<void> | undefined;
  // Stops the lab once, whatever phase the run is in: a lab still starting is stopped with its backend (which ends
  // the nodes still booting, so that the start fails), then closed once its start has settled, either way.
  const world = backend.world ?? realWorld;
  const stopLab = () =>
    (stopped ??= world.simulate(lab ? lab.close() : backend.close().then(() => starting?.then((started) => started.close(), () => {}))));
  runsUnderWay.add(stopLab);
  const untilAborted = abortable(options.signal);
  options.signal?.addEventListener('abort', stopLab, { once: true });
  // Ends the commands a scenario's script started, whichever way the run ends.
  const commands = new AbortController();
  try {
    starting = Lab.start(backend, { runDir: run.dir, nodes: labNodes(scenario, run.seed) });
    lab = await untilAborted(world.simulate(starting));
    const recorder = new HistoryRecorder({ dir: run.dir, clock: () => world.monotonic(), epochNow: () => world.env.clock.now() });
    Object.assign(run.recorded, { history: recorder.ops, faults: recorder.faults });
    try {
      await phases(lab, recorder, untilAborted, commands.signal);
    } finally {
      await recorder.close();
    }
  } catch (error) {
    run.outcome.ok = false;
    run.outcome.error = error instanceof Error ? error.message : String(error);
  } finally {
    commands.abort();
    options.signal?.removeEventListener('abort', stopLab);
    progress('stopping nodes');
    await stopLab();
    runsUnderWay.delete(stopLab);
  }
}

interface Drained {
  executions: Execution[];
  wire: { events: WireRecord[]; truncated: boolean } | undefined;
}

/** Heals every fault, waits for in-flight work to land, and reads the ground truth and the proxy's wire log. */
async function healAndDrain(run: Run, lab: Lab, recorder: HistoryRecorder): Promise<Drained> {
  run.progress('healing and draining');
  await lab.heal();
  const executions = await drainExecutions(lab, run.scenario, recorder);
  run.progress(`read ${executions.length} executions; checking`);
  return { executions, wire: await readWire(lab, recorder) };
}

interface Checked {
  results: Result[];
  eventual: boolean;
}

/** Runs the checkers the scenario expects verdicts of (and availability) and compares with the expectations. */
async function check(run: Run, recorder: HistoryRecorder, drained: Drained, checkedAtEpochMs: number): Promise<Checked> {
  const { scenario, expected } = run;
  run.outcome.ops = recorder.ops.filter((op) => op.type === 'invoke').length;
  const eventual = scenario.eventual ?? scenario.nodes.semantics !== 'at-most-once';
  const frameRejections = await readFrameRejections(run.dir, (epochMs) => recorder.fromEpoch(epochMs), recorder.fromEpoch(checkedAtEpochMs));
  const input = { history: recorder.ops, executions: drained.executions, faults: recorder.faults, healed: true, options: { eventual }, frameRejections, wire: drained.wire?.events };
  const results = checkRun(input, [...Object.keys(expected), 'availability']);
  const judgement = compareWithExpected(results, expected);
  Object.assign(run.outcome, { results, observed: judgement.observed, ok: judgement.ok });
  return { results, eventual };
}

/** Writes the run folder's records and its verdict.json. */
async function persist(run: Run, recorder: HistoryRecorder, drained: Drained, checked: Checked): Promise<void> {
  const { dir } = run;
  await writeExecutions(join(dir, runFiles.executions), drained.executions);
  run.recorded.executions = drained.executions;
  if (drained.wire) {
    await writeWire(join(dir, runFiles.wire), drained.wire.events);
    run.recorded.wire = drained.wire.events;
  }
  const done = finished(run);
  await writeVerdictFile(dir, {
    scenario: done.name,
    backend: done.backend,
    seed: done.seed,
    expected: done.expected,
    observed: done.observed,
    results: checked.results,
    availability: checked.results.find((result) => result.checker === 'availability')?.stats ?? {},
    ok: done.ok,
    ops: done.ops,
    faults: done.faults,
    durationMs: done.durationMs,
    replay: done.replay,
    startedAt: recorder.startedAtEpochMs,
    ...(drained.wire?.truncated ? { wireTruncated: true } : {}),
    healed: true,
    options: { eventual: checked.eventual },
  });
}

/** Writes report.html and the runs index (neither is ever fatal) and says how the run ended. */
async function report(run: Run): Promise<ScenarioOutcome> {
  const { options, progress } = run;
  // Without reports (`--no-report`, tests) no page is written, the runs' index included: a folder of passing runs
  // that are removed is then left empty.
  if (options.report !== false) {
    await writeRunReport(run.dir, run.recorded, progress);
    await writeIndex(options.runsDir ?? 'runs', progress);
  }
  const done = finished(run);
  progress(`${done.error ? `error: ${done.error}` : done.ok ? 'as expected' : 'NOT as expected'} (${done.durationMs} ms)`);
  return done;
}

/**
 * Wraps a phase so that it rejects with the signal's reason as soon as the signal is aborted. The phase left
 * behind fails later, once its lab is closed: that failure is this abort, already reported.
 */
function abortable(signal: AbortSignal | undefined): <T>(work: Promise<T>) => Promise<T> {
  if (!signal) return (work) => work;
  const aborted = new Promise<never>((_, reject) => {
    if (signal.aborted) reject(signal.reason);
    signal.addEventListener('abort', () => reject(signal.reason), { once: true });
  });
  aborted.catch(() => {});
  return (work) => {
    work.catch(() => {});
    return Promise.race([work, aborted]);
  };
}

/** Generous: a minute plus 200 ms per op; a scenario far beyond it is stuck, not slow. */
function timeLimitMs(scenario: Scenario, options: RunOptions): number {
  return options.timeLimitMs ?? 60_000 + 200 * scenario.workload.ops;
}

/** Bounds a phase: past the limit the run fails with a clear error (and its lab is closed, which ends the phase). */
async function withTimeLimit<T>(lab: Lab, work: Promise<T>, limitMs: number): Promise<T> {
  const { clock } = lab.world.env;
  let timer: Timer | undefined;
  // Abandoned work fails later, once its lab is closed; that failure is already reported as this timeout.
  work.catch(() => {});
  const limit = new Promise<never>((_, reject) => {
    timer = clock.setTimeout(() => reject(new Error(`workload and faults still running after ${limitMs} ms: abandoned`)), limitMs);
  });
  try {
    return await Promise.race([work, limit]);
  } finally {
    clock.clearTimeout(timer);
  }
}

/** Plays the workload, the fault schedule and the scenario's script together; resolves with the faults started. */
async function drive(lab: Lab, run: Run, recorder: HistoryRecorder, commands: AbortSignal): Promise<number> {
  const { scenario, rng, windows, progress } = run;
  const names = nodeNames(scenario.nodes.count);
  const clients = names.filter((name) => programsOf(scenario, name).includes('client'));
  const ops = planOps(scenario.workload.ops, scenario.workload.mix ?? { append: 1 }, clients, rng.fork('workload'));
  const workload = new Workload(lab, ops, recorder, {
    concurrency: scenario.workload.concurrency,
    rate: scenario.workload.rate,
    mailbox: scenario.workload.mailbox ?? { node: 'n2', mbox: 'inbox' },
    opTimeoutMs: scenario.workload.opTimeoutMs ?? 30_000,
    receive: scenario.workload.receive,
  });
  // Faults end when the last op is invoked, so that ops still in flight can complete once healed.
  const nemesisView = { invoked: (count: number) => workload.invoked(count), finished: workload.allInvoked };
  const context: ScenarioContext = {
    lab,
    rng: rng.fork('script'),
    invoked: (count) => workload.invoked(count),
    allInvoked: workload.allInvoked,
    record: (fault, target) => {
      const id = recorder.startFault(fault, target);
      return () => recorder.stopFault(id);
    },
    $: labShell(lab, commands),
  };
  progress(`nodes ready; ${plural(ops.length, 'op')}, ${plural(windows.length, 'fault window')}`);
  workload.start();
  await Promise.all([
    workload.finished,
    playSchedule(lab, windows, nemesisView, {
      faultStart: (fault, target) => recorder.startFault(fault, target),
      faultStop: (id) => recorder.stopFault(id),
    }),
    scenario.script?.(context),
  ]);
  return recorder.faults.filter((event) => event.type === 'start').length;
}

async function createBackend(name: BackendName, options: RunOptions, proxySeed: number, simSeed: number): Promise<Backend> {
  if (name === 'sim') {
    // A simulation's proxies live inside it: a Toxiproxy outside cannot see its connections.
    if (options.toxiproxyUrl !== undefined) throw new Error('--toxiproxy-url cannot be used with --backend sim: its proxies run inside the simulation');
    const { SimBackend } = await import('./backends/sim.ts');
    return SimBackend.create({ seed: simSeed, proxySeed });
  }
  if (name === 'process') {
    const externalFrameToxics = options.toxiproxyUrl !== undefined && (await isChaoslabProxy(options.toxiproxyUrl));
    return new ProcessBackend({ toxiproxyUrl: options.toxiproxyUrl, proxySeed, externalFrameToxics });
  }
  const { DockerBackend } = await import('./backends/docker.ts');
  return new DockerBackend({ toxiproxyUrl: options.toxiproxyUrl, proxySeed });
}

/** runs/index.html lists every run of the folder, this one included; like a report, it is never fatal. */
async function writeIndex(runsDir: string, progress: (line: string) => void): Promise<void> {
  try {
    await writeRunsIndex(resolve(runsDir));
  } catch (error) {
    progress(`runs index not written: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** A report that cannot be written is said, never fatal: the run's verdict stands without it. */
async function writeRunReport(dir: string, recorded: KnownRecords, progress: (line: string) => void): Promise<void> {
  try {
    progress(`report: ${await writeReport(dir, recorded)}`);
  } catch (error) {
    progress(`report not written: ${error instanceof Error ? error.message : String(error)}`);
  }
}
