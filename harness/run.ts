import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Backend } from './backends/backend.ts';
import { ProcessBackend } from './backends/process.ts';
import { isChaoslabProxy } from './toxiproxy.ts';
import { checkRun, compareWithExpected, type Result, type Verdict } from './checkers/index.ts';
import { plural } from './checkers/result.ts';
import { writeVerdictFile } from './checkers/verdict-file.ts';
import { runFiles, writeExecutions, writeWire, type Execution, type WireRecord } from './history/index.ts';
import { HistoryRecorder } from './history/recorder.ts';
import { isProgramModule, Lab, type LabNodeSpec } from './lab.ts';
import { writeReport, writeRunsIndex } from './report/index.ts';
import type { KnownRecords } from './report/run-folder.ts';
import { playSchedule, unsupportedFaults } from './nemesis/nemesis.ts';
import type { FaultWindow } from './nemesis/fault.ts';
import { defaultPrograms, nodeNames, type Scenario, type ScenarioContext } from './scenario.ts';
import { replayTarget } from './catalogue.ts';
import { labShell } from './shell.ts';
import { planOps } from './workload/generator.ts';
import { readFrameRejections } from './history/frame-rejections.ts';
import { Rng, randomSeed } from './workload/rng.ts';
import { Workload } from './workload/workload.ts';

export type BackendName = 'process' | 'docker';

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

/** One scenario's entry in `chaoslab run --json`. */
export interface ScenarioOutcome {
  name: string;
  backend: BackendName;
  seed: number;
  expected: Record<string, Verdict>;
  observed: Record<string, Verdict>;
  ok: boolean;
  ops: number;
  faults: number;
  durationMs: number;
  dir: string;
  replay: string;
  results: Result[];
  skipped?: string;
  error?: string;
}

/** The ground truth unchanged this long, with no message left in flight anywhere, means the run has drained. */
const SETTLED_MS = 100;
/**
 * The ground truth unchanged this long means drained even with messages still held somewhere (a mailbox nobody
 * reads, a sender that retries until its give-up time): longer than the slowest retransmission interval.
 */
const QUIET_MS = 2_500;
const DRAIN_LIMIT_MS = 20_000;

/** How to stop the lab of every run under way, started or still starting. */
const runsUnderWay = new Set<() => Promise<void>>();

/**
 * Stops every lab still running or starting, and resolves once all is stopped (on SIGINT/SIGTERM, or in a test
 * file's afterAll so that its worker does not exit while an aborted run is still stopping its lab).
 */
export async function closeActiveLabs(): Promise<void> {
  await Promise.allSettled([...runsUnderWay].map((stop) => stop()));
}

export function replayCommand(name: string, seed: number, backend: BackendName): string {
  return `npx chaoslab run ${name} --seed ${seed}${backend === 'process' ? '' : ` --backend ${backend}`}`;
}

/** Runs one scenario: lab -> workload + nemesis -> heal and drain -> ground truth -> checkers -> run folder. */
export async function runScenario(scenario: Scenario, options: RunOptions = {}): Promise<ScenarioOutcome> {
  options.signal?.throwIfAborted();
  const startedAt = performance.now();
  const backendName = options.backend ?? 'process';
  const seed = options.seed ?? randomSeed();
  const rng = new Rng(seed);
  const onProgress = options.onProgress ?? (() => {});
  const progress = (line: string) => onProgress(`${scenario.name} +${((performance.now() - startedAt) / 1000).toFixed(1)}s: ${line}`);
  const expected = scenario.expect as Record<string, Verdict>;
  const dir = runFolder(options.runsDir ?? 'runs', scenario.name);
  const outcome: ScenarioOutcome = {
    name: scenario.name,
    backend: backendName,
    seed,
    expected,
    observed: {},
    ok: false,
    ops: 0,
    faults: 0,
    durationMs: 0,
    dir,
    replay: replayCommand(replayTarget(scenario), seed, backendName),
    results: [],
  };
  const finish = () => ({ ...outcome, durationMs: Math.round(performance.now() - startedAt) });

  const backend = await createBackend(backendName, options, rng.fork('proxy').int(1, 2 ** 31 - 1));
  const windows = typeof scenario.faults === 'function' ? scenario.faults(rng.fork('faults')) : (scenario.faults ?? []);
  const skipped =
    scenario.needs?.includes('frame-toxics') && !backend.frameToxics
      ? "needs frame toxics, which only chaoslab's own proxy has"
      : unsupportedFaults(windows.map((window) => window.fault), backend.frameToxics);
  if (skipped) {
    await backend.close();
    progress(`skipped (${skipped})`);
    return { ...finish(), ok: true, skipped };
  }

  if (options.signal?.aborted) {
    await backend.close();
    throw options.signal.reason;
  }
  progress(`starting ${scenario.nodes.count} nodes on ${backendName} (seed ${seed})`);
  let lab: Lab | undefined;
  let starting: Promise<Lab> | undefined;
  let stopped: Promise<void> | undefined;
  // Stops the lab once, whatever phase the run is in: a lab still starting is stopped with its backend (which ends
  // the nodes still booting, so that the start fails), then closed once its start has settled, either way.
  const stopLab = () =>
    (stopped ??= lab ? lab.close() : backend.close().then(() => starting?.then((started) => started.close(), () => {})));
  runsUnderWay.add(stopLab);
  // An abort stops the lab at once; the phase under way then fails, and the run rejects below.
  const untilAborted = abortable(options.signal);
  options.signal?.addEventListener('abort', stopLab, { once: true });
  // What the run recorded, handed to the report as it is rather than read back from the folder.
  const recorded: KnownRecords = {};
  // Ends the commands a scenario's script started, whichever way the run ends.
  const commands = new AbortController();
  try {
    starting = Lab.start(backend, { runDir: dir, nodes: labNodes(scenario, seed) });
    lab = await untilAborted(starting);
    const recorder = new HistoryRecorder({ dir });
    Object.assign(recorded, { history: recorder.ops, faults: recorder.faults });
    try {
      outcome.faults = await withTimeLimit(untilAborted(drive(lab, scenario, windows, recorder, rng, progress, commands.signal)), timeLimitMs(scenario, options));
      progress('healing and draining');
      await untilAborted(lab.heal());
      const executions = await untilAborted(drainExecutions(lab, scenario, recorder));
      progress(`read ${executions.length} executions; checking`);
      await writeExecutions(join(dir, runFiles.executions), executions);
      recorded.executions = executions;
      const wire = await readWire(lab, recorder);
      if (wire) {
        await writeWire(join(dir, runFiles.wire), wire.events);
        recorded.wire = wire.events;
      }
      outcome.ops = recorder.ops.filter((op) => op.type === 'invoke').length;
      const eventual = scenario.eventual ?? scenario.nodes.semantics !== 'at-most-once';
      const frameRejections = await readFrameRejections(dir, (epochMs) => recorder.fromEpoch(epochMs), recorder.fromEpoch(Date.now()));
      const input = { history: recorder.ops, executions, faults: recorder.faults, healed: true, options: { eventual }, frameRejections };
      const results = checkRun(input, [...Object.keys(expected), 'availability']);
      const comparison = compareWithExpected(results, expected);
      Object.assign(outcome, { results, observed: comparison.observed, ok: comparison.ok });
      const availability = results.find((result) => result.checker === 'availability')?.stats ?? {};
      const done = finish();
      await writeVerdictFile(dir, {
        scenario: scenario.name,
        backend: backendName,
        seed,
        expected,
        observed: done.observed,
        results,
        availability,
        ok: done.ok,
        ops: done.ops,
        faults: done.faults,
        durationMs: done.durationMs,
        replay: done.replay,
        startedAt: recorder.startedAtEpochMs,
        ...(wire?.truncated ? { wireTruncated: true } : {}),
        healed: true,
        options: { eventual },
      });
    } finally {
      await recorder.close();
    }
  } catch (error) {
    outcome.ok = false;
    outcome.error = error instanceof Error ? error.message : String(error);
  } finally {
    commands.abort();
    options.signal?.removeEventListener('abort', stopLab);
    progress('stopping nodes');
    await stopLab();
    runsUnderWay.delete(stopLab);
  }
  if (options.signal?.aborted) {
    progress('aborted');
    throw options.signal.reason;
  }
  // Without reports (`--no-report`, tests) no page is written, the runs' index included: a folder of passing runs
  // that are removed is then left empty.
  if (options.report !== false) {
    await writeRunReport(dir, recorded, progress);
    await writeIndex(options.runsDir ?? 'runs', progress);
  }
  const done = finish();
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
async function withTimeLimit<T>(work: Promise<T>, limitMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  // Abandoned work fails later, once its lab is closed; that failure is already reported as this timeout.
  work.catch(() => {});
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`workload and faults still running after ${limitMs} ms: abandoned`)), limitMs);
  });
  try {
    return await Promise.race([work, limit]);
  } finally {
    clearTimeout(timer);
  }
}

async function drive(
  lab: Lab,
  scenario: Scenario,
  windows: FaultWindow[],
  recorder: HistoryRecorder,
  rng: Rng,
  progress: (line: string) => void,
  commands: AbortSignal,
): Promise<number> {
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

/**
 * Reads the ground truth from every node that keeps a log once in-flight work has landed: retransmissions
 * (client nodes' unsettled messages) and deliveries (messages queued or leased in consumers' mailboxes) that
 * were still under way when the faults healed.
 */
async function drainExecutions(lab: Lab, scenario: Scenario, recorder: HistoryRecorder): Promise<Execution[]> {
  const running = (...wanted: string[]) =>
    nodeNames(scenario.nodes.count).filter((name) => rolesOf(scenario, name).some((role) => wanted.includes(role)));
  const logNodes = running('log', 'consumer');
  const clients = running('client');
  const consumers = running('consumer');
  // Logs only grow: each read fetches what was appended since the last one.
  const logs = new Map(logNodes.map((node) => [node, [] as Execution[]]));
  const readAll = async () => {
    await Promise.all(logNodes.map(async (node) => logs.get(node)!.push(...(await readLog(lab, node, recorder, logs.get(node)!.length)))));
    return [...logs.values()].flat();
  };
  const deadline = performance.now() + DRAIN_LIMIT_MS;
  let last = -1;
  let stableSince = performance.now();
  for (;;) {
    const executions = await readAll();
    const now = performance.now();
    if (executions.length !== last) {
      last = executions.length;
      stableSince = now;
    } else {
      const quiet = now - stableSince;
      const drained =
        quiet >= QUIET_MS ||
        now >= deadline ||
        (quiet >= SETTLED_MS && (await nothingInFlight(lab, clients, consumers)) && (await readAll()).length === last);
      if (drained) return executions.sort((a, b) => a.time - b.time);
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** No client node is still retransmitting and no consumer has a message waiting or leased. */
async function nothingInFlight(lab: Lab, clients: string[], consumers: string[]): Promise<boolean> {
  try {
    const senders = await Promise.all(clients.map((node) => lab.call<{ unsettled: number }>(node, 'workload', 'unsettled', {})));
    if (senders.some((sender) => sender.unsettled > 0)) return false;
    const mailboxes = await Promise.all(consumers.map((node) => lab.mailboxes(node)));
    return mailboxes.every((boxes) => Object.values(boxes).every((box) => box.queued + box.leased === 0));
  } catch {
    return false; // a node that does not answer may still hold work
  }
}

/** The proxy's record of every frame, on the run's clock (none when the proxy is a real Toxiproxy). */
async function readWire(lab: Lab, recorder: HistoryRecorder): Promise<{ events: WireRecord[]; truncated: boolean } | undefined> {
  const wire = await lab.wire();
  if (!wire) return undefined;
  const events = wire.events.map((event) => ({ ...event, time: Math.round(recorder.fromHighResolutionEpoch(event.time) * 1000) / 1000 }));
  return { events, truncated: wire.truncated };
}

interface NodeExecution extends Omit<Execution, 'time'> {
  time: number;
}

/** A node's executions from `offset` on. */
async function readLog(lab: Lab, node: string, recorder: HistoryRecorder, offset: number): Promise<Execution[]> {
  const executions: NodeExecution[] = [];
  for (;;) {
    const page = await lab.call<{ executions: NodeExecution[]; total: number }>(node, 'log', 'read', { offset: offset + executions.length });
    executions.push(...page.executions);
    if (page.executions.length === 0 || offset + executions.length >= page.total) break;
  }
  // Nodes stamp wall-clock epoch ms; the history's time line starts at the run's start.
  return executions.map((execution) => ({
    ...execution,
    time: recorder.fromEpoch(execution.time),
    ...(execution.takenAt !== undefined ? { takenAt: recorder.fromEpoch(execution.takenAt) } : {}),
    ...(execution.leaseUntil !== undefined ? { leaseUntil: recorder.fromEpoch(execution.leaseUntil) } : {}),
  }));
}

function programsOf(scenario: Scenario, name: string): string[] {
  return scenario.nodes.programs?.[name] ?? defaultPrograms(name);
}

/** What the harness asks of a node: a program module of the user's keeps a log (it serves `log.read`). */
function rolesOf(scenario: Scenario, name: string): string[] {
  return programsOf(scenario, name).map((program) => (isProgramModule(program) ? 'log' : program));
}

/**
 * Each client call may take this long before the client node reports it indeterminate: long enough for
 * retransmissions to outlast a crashed node's restart on a loaded machine. Scenarios may set their own.
 */
const CLIENT_DEADLINE_MS = 20_000;

function labNodes(scenario: Scenario, seed: number): LabNodeSpec[] {
  const { semantics, bug, config, configOf, command, commandOf, image, imageOf } = scenario.nodes;
  return nodeNames(scenario.nodes.count).map((name, i) => {
    const own = configOf?.[name] ?? {};
    const options = { deadlineMs: CLIENT_DEADLINE_MS, ...(config?.options as object), ...(own.options as object), seed: seed + i };
    const server = !programsOf(scenario, name).includes('client');
    const ownCommand = commandOf?.[name] ?? (server ? command : undefined);
    const ownImage = imageOf?.[name] ?? (server ? image : undefined);
    return {
      name,
      programs: programsOf(scenario, name),
      config: { semantics, ...(bug ? { bug } : {}), ...config, ...own, options },
      ...(ownCommand ? { command: ownCommand } : {}),
      ...(ownImage ? { image: ownImage } : {}),
    };
  });
}

async function createBackend(name: BackendName, options: RunOptions, proxySeed: number): Promise<Backend> {
  if (name === 'process') {
    const externalFrameToxics = options.toxiproxyUrl !== undefined && (await isChaoslabProxy(options.toxiproxyUrl));
    return new ProcessBackend({ toxiproxyUrl: options.toxiproxyUrl, proxySeed, externalFrameToxics });
  }
  const { DockerBackend } = await import('./backends/docker.ts');
  return new DockerBackend({ toxiproxyUrl: options.toxiproxyUrl, proxySeed });
}

/** `runs/<yyyymmdd-hhmmss>-<scenario>`, with a counter when the same scenario ran twice in one second. */
function runFolder(runsDir: string, scenario: string): string {
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  let dir = resolve(runsDir, `${stamp}-${scenario}`);
  for (let n = 2; existsSync(dir); n++) dir = resolve(runsDir, `${stamp}-${scenario}-${n}`);
  mkdirSync(join(dir, 'nodes'), { recursive: true });
  return dir;
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
