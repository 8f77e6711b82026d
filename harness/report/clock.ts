import type { RunFolder } from './run-folder.ts';

/**
 * Puts every event on the history's clock (ms since the run started). Node logs stamp epoch ms, and executions
 * may carry epoch ms too (the log service's own clock), so they need the epoch of the run's time 0.
 */
export interface RunClock {
  /** Epoch ms of run time 0, or undefined when nothing in the folder pins it. */
  epochOfZero: number | undefined;
  /** How epochOfZero was found, shown in the report so a reader knows how far to trust node-log times. */
  source: 'verdict.startedAt' | 'estimated from executions' | 'estimated from node logs' | 'first node-log line' | 'none';
  fromEpoch(ms: number): number;
}

/** Times above this are epoch ms (year 2001+), below it ms since the run started. */
const EPOCH_THRESHOLD = 1e12;

export function isEpoch(ms: number): boolean {
  return ms > EPOCH_THRESHOLD;
}

export function runClock(run: RunFolder): RunClock {
  const make = (epochOfZero: number | undefined, source: RunClock['source']): RunClock => ({
    epochOfZero,
    source,
    fromEpoch: (ms) => (isEpoch(ms) && epochOfZero !== undefined ? ms - epochOfZero : ms),
  });
  if (run.verdict.startedAt !== undefined) return make(run.verdict.startedAt, 'verdict.startedAt');
  const estimated = estimateFromExecutions(run);
  if (estimated !== undefined) return make(estimated, 'estimated from executions');
  const fromLogs = estimateFromNodeLogs(run);
  if (fromLogs !== undefined) return make(fromLogs, 'estimated from node logs');
  const firstLog = Math.min(...[...run.nodeLogs.values()].flatMap((lines) => (lines[0] ? [lines[0].ts] : [])));
  if (Number.isFinite(firstLog)) return make(firstLog, 'first node-log line');
  return make(undefined, 'none');
}

/**
 * An acknowledged op's execution happened between its invoke and its ok, so each pair bounds the epoch of time 0:
 * exec - ok <= zero <= exec - invoke. The intersection of all bounds is tight after a few hundred ops.
 */
function estimateFromExecutions(run: RunFolder): number | undefined {
  const epochExecutions = run.executions.filter((e) => isEpoch(e.time));
  if (epochExecutions.length === 0) return undefined;
  const firstExecution = new Map<string, number>();
  for (const e of epochExecutions) {
    const seen = firstExecution.get(e.id);
    if (seen === undefined || e.time < seen) firstExecution.set(e.id, e.time);
  }
  const invokes = new Map<string, number>();
  let low = -Infinity;
  let high = Infinity;
  for (const o of run.history) {
    const id = o.value.id;
    if (o.type === 'invoke') invokes.set(id, o.time);
    else if (o.type === 'ok') {
      const executed = firstExecution.get(id);
      const invoked = invokes.get(id);
      if (executed === undefined || invoked === undefined) continue;
      low = Math.max(low, executed - o.time);
      high = Math.min(high, executed - invoked);
    }
  }
  if (!Number.isFinite(low) || !Number.isFinite(high)) return undefined;
  // Inconsistent bounds (clock skew between processes) still give the best guess: the middle.
  return (low + high) / 2;
}

/** Executions sampled to line node logs up with the run clock: plenty for a median, cheap on a big run. */
const ALIGNMENT_SAMPLE = 2000;

/**
 * A node logs a message's arrival just before it executes it, so for executions on the run clock the median gap
 * between an execution and the first log line of its message key on the executing node is the epoch of time 0
 * (off by the few ms between arrival and execution).
 */
function estimateFromNodeLogs(run: RunFolder): number | undefined {
  const sample = run.executions.filter((e) => !isEpoch(e.time)).slice(0, ALIGNMENT_SAMPLE);
  if (sample.length === 0) return undefined;
  const wanted = new Set(sample.map((e) => `${e.node} ${e.key.from}#${e.key.seq}`));
  const firstSeen = new Map<string, number>();
  for (const [file, lines] of run.nodeLogs) {
    for (const line of lines) {
      const key = line.id ?? line.key;
      if (typeof key !== 'object' || key === null) continue;
      const { from, seq } = key as { from?: unknown; seq?: unknown };
      const name = `${line.node ?? file} ${String(from)}#${String(seq)}`;
      if (wanted.has(name) && !firstSeen.has(name)) firstSeen.set(name, line.ts);
    }
  }
  const gaps = sample.flatMap((e) => {
    const seen = firstSeen.get(`${e.node} ${e.key.from}#${e.key.seq}`);
    return seen === undefined ? [] : [seen - e.time];
  });
  if (gaps.length === 0) return undefined;
  gaps.sort((a, b) => a - b);
  return gaps[Math.floor(gaps.length / 2)];
}
