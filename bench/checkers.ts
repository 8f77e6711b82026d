// Times every checker on generated histories of growing size, to show the checking is linear in the
// history: the time per operation should stay flat from 10k to 1M operations.
//   node --expose-gc --import tsx bench/checkers.ts [--io] [--json] [SIZE...]   (default 10000 100000 1000000)
// With --expose-gc each timing starts after a full collection, so that one checker does not pay for the
// garbage of the one before. A baseline row (one Map insert per op id) times the machine itself: on a shared,
// loaded machine compare the checkers' times with it rather than with figures from another day.
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism as availableCores, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import Table from 'cli-table3';
import { checkRun, checkerNames, type CheckInput } from '../harness/checkers/index.ts';
import type { Execution, Op } from '../harness/history/op.ts';
import { readRunRecords, writeRunRecords } from '../harness/history/run-folder.ts';
import { seededRandom } from '../nodes/random.ts';

const IN_FLIGHT = 16;
const RECEIVERS = ['n2/consumer-1', 'n3/consumer-1', 'n4/consumer-1'];

/**
 * `operations` ops by 16 concurrent processes: mostly ok, some fail and info; appends run as procedures,
 * sends are taken by one of three consumers under a lease. A few anomalies of every kind are sprinkled in
 * (duplicates, lost acknowledged ops, failed ops that ran, damaged bodies, overlapping leases) so that each
 * checker does its full work, counterexamples included.
 */
export function generateRun(operations: number, seed = 1): CheckInput {
  const random = seededRandom(seed);
  const history: Op[] = [];
  const executions: Execution[] = [];
  let time = 0;
  let seq = 0;
  const complete = (invoke: Op) => {
    const roll = random();
    const type = roll < 0.97 ? 'ok' : roll < 0.98 ? 'fail' : 'info';
    time += random() * 0.2;
    history.push({ ...invoke, index: history.length, type, time });
    const executed = type === 'ok' ? random() > 0.0005 : type === 'info' ? random() < 0.5 : random() < 0.001;
    if (!executed) return;
    const runs = random() < 0.001 ? 2 : 1;
    const sameKey = random() < 0.5;
    const firstSeq = ++seq;
    for (let run = 0; run < runs; run += 1) {
      const key = { from: 'n1', seq: run > 0 && !sameKey ? ++seq : firstSeq };
      const at = invoke.time + (time - invoke.time) / 2;
      const execution: Execution = {
        id: invoke.value.id,
        node: 'n2',
        by: 'n2/worker-1',
        key,
        time: at + run,
        intact: random() > 0.0001,
      };
      if (invoke.f === 'send') {
        const overlap = runs > 1 && random() < 0.5;
        execution.by = RECEIVERS[Math.floor(random() * RECEIVERS.length)]!;
        execution.takenAt = at + (run > 0 && !overlap ? 100 : run);
        execution.leaseUntil = execution.takenAt + 50;
        execution.node = execution.by.split('/')[0]!;
      }
      executions.push(execution);
    }
  };
  const open: Op[] = [];
  for (let k = 0; k < operations; k += 1) {
    if (open.length === IN_FLIGHT) complete(open.shift()!);
    time += random() * 0.2;
    const invoke: Op = {
      index: history.length,
      process: k % IN_FLIGHT,
      type: 'invoke',
      f: random() < 0.3 ? 'send' : 'append',
      value: { id: `op-${k}` },
      node: 'n1',
      time,
    };
    history.push(invoke);
    open.push(invoke);
  }
  for (const invoke of open) complete(invoke);
  return { history, executions, faults: [], healed: true, options: { eventual: false } };
}

interface Timing {
  wallMs: number;
  /** User + system CPU of this process: less swayed than wall time by other work on a shared machine. */
  cpuMs: number;
}

function time(work: () => unknown): Timing {
  (globalThis as { gc?: () => void }).gc?.();
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  work();
  const cpu = process.cpuUsage(cpuBefore);
  return { wallMs: performance.now() - started, cpuMs: (cpu.user + cpu.system) / 1000 };
}

/**
 * Each checker is timed on fresh copies of the arrays, so that it pays for the pairing and indexing it
 * needs instead of reusing another checker's (the caches are per array).
 */
function timeChecker(input: CheckInput, names: readonly string[], repeats: number): Timing {
  return bestOf(repeats, () => {
    const fresh = { ...input, history: input.history.slice(), executions: input.executions.slice() };
    return () => checkRun(fresh, names);
  });
}

/** The fastest of `repeats` timings; `prepare` runs untimed and returns the work to time. */
function bestOf(repeats: number, prepare: () => () => unknown): Timing {
  let best: Timing = { wallMs: Infinity, cpuMs: Infinity };
  for (let repeat = 0; repeat < repeats; repeat += 1) {
    const timing = time(prepare());
    if (timing.wallMs < best.wallMs) best = timing;
  }
  return best;
}

export interface CheckerBenchRow {
  operations: number;
  events: number;
  executions: number;
  checker: string;
  wallMs: number;
  cpuMs: number;
  /** Wall time per operation. */
  nsPerOp: number;
}

export async function benchCheckers(sizes: readonly number[], options: { io?: boolean } = {}): Promise<CheckerBenchRow[]> {
  const rows: CheckerBenchRow[] = [];
  for (const operations of sizes) {
    const input = generateRun(operations);
    const repeats = operations <= 100_000 ? 3 : 1;
    const row = (checker: string, timing: Timing) =>
      rows.push({
        operations,
        events: input.history.length,
        executions: input.executions.length,
        checker,
        wallMs: Math.round(timing.wallMs),
        cpuMs: Math.round(timing.cpuMs),
        nsPerOp: Math.round((timing.wallMs * 1e6) / operations),
      });
    const baseline = () => {
      const ids = new Map<string, number>();
      for (let k = 0; k < operations; k += 1) ids.set(input.history[k]!.value.id, k);
    };
    row('baseline: 1 Map insert per op', bestOf(repeats, () => baseline));
    for (const name of checkerNames) row(name, timeChecker(input, [name], repeats));
    row('all six (checkRun)', timeChecker(input, checkerNames, repeats));
    if (options.io) {
      const dir = mkdtempSync(join(tmpdir(), 'chaoslab-bench-'));
      try {
        await writeRunRecords(dir, { history: input.history, executions: input.executions, faults: [] });
        const cpuBefore = process.cpuUsage();
        const started = performance.now();
        await readRunRecords(dir);
        const cpu = process.cpuUsage(cpuBefore);
        row('read + validate run folder', { wallMs: performance.now() - started, cpuMs: (cpu.user + cpu.system) / 1000 });
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
  }
  return rows;
}

function render(rows: readonly CheckerBenchRow[]): string {
  const sizes = [...new Set(rows.map((row) => row.operations))];
  const names = [...new Set(rows.map((row) => row.checker))];
  const table = new Table({
    head: ['checker', ...sizes.map((size) => `${size.toLocaleString('en')} ops: wall / cpu`), 'wall ns/op, smallest -> largest'],
    style: { head: [], border: [] },
  });
  for (const name of names) {
    const mine = sizes.map((size) => rows.find((row) => row.checker === name && row.operations === size)!);
    table.push([name, ...mine.map((row) => `${row.wallMs} / ${row.cpuMs} ms`), mine.map((row) => row.nsPerOp).join(' -> ')]);
  }
  const shape = sizes
    .map((size) => {
      const row = rows.find((candidate) => candidate.operations === size)!;
      return `${size.toLocaleString('en')} ops = ${row.events.toLocaleString('en')} history events + ${row.executions.toLocaleString('en')} executions`;
    })
    .join('; ');
  const load = loadavg().map((value) => value.toFixed(1)).join(' ');
  return `${table.toString()}\n${shape}\nload average at the end: ${load} on ${availableCores()} cores`;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const args = process.argv.slice(2);
  const sizes = args.filter((arg) => /^\d+$/.test(arg)).map(Number);
  const rows = await benchCheckers(sizes.length > 0 ? sizes : [10_000, 100_000, 1_000_000], { io: args.includes('--io') });
  console.log(args.includes('--json') ? JSON.stringify({ checkers: rows }) : render(rows));
}
