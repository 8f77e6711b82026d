import { runClock, type RunClock } from './clock.ts';
import { counterexampleTrails, type CounterexampleTrail } from './counterexample-trail.ts';
import { faultWindows, isLinkFault, nodeControl, type FaultWindow, type NodeDownWindow, type NodeMark } from './fault-windows.ts';
import type { Completion } from '../history/op.ts';
import { operationSpans, type OperationSpan } from './operations.ts';
import { linkFigures, messagesOf, type LinkFigures, type Message } from './messages.ts';
import type { RunFolder } from './run-folder.ts';

/**
 * What the report page draws, computed from a run folder. Big runs are downsampled here, so the file stays small
 * whatever the run's size: every op that did not succeed and every op of a counterexample is kept, and
 * successful ops are thinned evenly.
 */
export const MAX_BARS = 15_000;
export const MAX_EXECUTION_TICKS = 15_000;
const THROUGHPUT_BUCKETS = 100;

export const OUTCOMES: Completion[] = ['ok', 'fail', 'info'];

export interface ReportModel {
  run: RunFolder;
  clock: RunClock;
  runEnd: number;
  lanes: string[];
  spans: OperationSpan[];
  shownSpans: OperationSpan[];
  executionTicks: { lane: string; time: number; id: string; by: string; intact: boolean }[];
  executionsTotal: number;
  faults: FaultWindow[];
  linkFaults: FaultWindow[];
  nodeMarks: NodeMark[];
  nodeDown: NodeDownWindow[];
  throughput: { bucketMs: number; starts: number[]; perSecond: Record<Completion, number[]> };
  trails: CounterexampleTrail[];
  /** Node-to-node messages from the proxy's record (empty without one). */
  messages: Message[];
  links: LinkFigures[];
  laneOfProcess: (process: string) => string;
}

export function buildModel(run: RunFolder): ReportModel {
  const clock = runClock(run);
  const runEnd = endOfRun(run, clock);
  const spans = operationSpans(run.history, runEnd);
  const laneOfProcess = (process: string) => `client ${process}`;
  const messages = messagesOf(run.wire);
  const trails = counterexampleTrails(run, clock, laneOfProcess, messages);
  const featured = new Set(trails.map((t) => t.id));
  const faults = faultWindows(run.faults, runEnd);
  const { marks, down } = nodeControl(run.faults, runEnd);
  const executionTicks = thinEvenly(
    run.executions.map((e) => ({ lane: e.node, time: clock.fromEpoch(e.time), id: e.id, by: e.by, intact: e.intact })),
    MAX_EXECUTION_TICKS,
    (e) => featured.has(e.id) || !e.intact,
  );
  return {
    run,
    clock,
    runEnd,
    lanes: lanes(run, spans, laneOfProcess),
    spans,
    shownSpans: thinEvenly(spans, MAX_BARS, (s) => s.outcome !== 'ok' || featured.has(s.id)),
    executionTicks,
    executionsTotal: run.executions.length,
    faults,
    linkFaults: faults.filter(isLinkFault),
    nodeMarks: marks,
    nodeDown: down,
    throughput: throughput(spans, runEnd),
    trails,
    messages,
    links: linkFigures(messages),
    laneOfProcess,
  };
}

function endOfRun(run: RunFolder, clock: RunClock): number {
  let end = 0;
  for (const o of run.history) end = Math.max(end, o.time);
  for (const f of run.faults) end = Math.max(end, f.time);
  for (const e of run.executions) end = Math.max(end, clock.fromEpoch(e.time));
  for (const w of run.wire) end = Math.max(end, w.time);
  return end;
}

/** Client lanes first (by process number), then one lane per node seen anywhere in the run. */
function lanes(run: RunFolder, spans: OperationSpan[], laneOfProcess: (p: string) => string): string[] {
  const processes = [...new Set(spans.map((s) => s.process))].sort(naturalOrder);
  const nodes = new Set<string>(run.nodeLogs.keys());
  for (const o of run.history) nodes.add(o.node);
  for (const e of run.executions) nodes.add(e.node);
  for (const f of run.faults) {
    if (typeof f.target.node === 'string') nodes.add(f.target.node);
    if (typeof f.target.link === 'string') for (const end of f.target.link.split('->')) nodes.add(end.trim());
  }
  return [...processes.map(laneOfProcess), ...[...nodes].sort(naturalOrder)];
}

const naturalOrder = (a: string, b: string) => a.localeCompare(b, 'en', { numeric: true });

/** Keeps every item `keep` selects, then fills up to `limit` with the others at an even stride. */
export function thinEvenly<T>(items: T[], limit: number, keep: (item: T) => boolean): T[] {
  if (items.length <= limit) return items;
  const kept = items.filter(keep);
  const rest = items.filter((item) => !keep(item));
  const room = Math.max(0, limit - kept.length);
  const stride = rest.length / Math.max(1, room);
  const sampled: T[] = [];
  for (let i = 0; i < room && Math.floor(i * stride) < rest.length; i++) sampled.push(rest[Math.floor(i * stride)]!);
  return [...kept, ...sampled];
}

/** Completions per second by outcome, in about THROUGHPUT_BUCKETS buckets of a round width. */
function throughput(spans: OperationSpan[], runEnd: number): ReportModel['throughput'] {
  const bucketMs = roundBucket(Math.max(runEnd, 1) / THROUGHPUT_BUCKETS);
  const count = Math.max(1, Math.ceil(runEnd / bucketMs) + 1);
  const perSecond: Record<Completion, number[]> = { ok: new Array(count).fill(0), fail: new Array(count).fill(0), info: new Array(count).fill(0) };
  for (const span of spans) {
    if (span.unfinished) continue;
    perSecond[span.outcome][Math.min(count - 1, Math.floor(span.end / bucketMs))]! += 1000 / bucketMs;
  }
  return { bucketMs, starts: Array.from({ length: count }, (_, i) => i * bucketMs), perSecond };
}

function roundBucket(ms: number): number {
  const steps = [1, 2, 5];
  for (let magnitude = 1; ; magnitude *= 10) {
    for (const step of steps) if (step * magnitude >= ms) return step * magnitude;
  }
}
