import type { Op } from './run-folder.ts';

export type Outcome = 'ok' | 'fail' | 'info';

/** One operation from invoke to completion, as the timeline and the latency plot draw it. */
export interface OperationSpan {
  id: string | undefined;
  process: string;
  f: string;
  node: string | undefined;
  invokeIndex: number;
  completeIndex: number | undefined;
  start: number;
  /** Completion time; for an op never completed, the end of the run (it stayed in flight). */
  end: number;
  outcome: Outcome;
  /** True when the op never completed: counted as info, as Jepsen does. */
  unfinished: boolean;
  error: string | undefined;
}

/**
 * Pairs invokes with their completions: by op id when the history has one, otherwise the process's next
 * completion (a Jepsen process has one op in flight at a time).
 */
export function operationSpans(history: Op[], runEnd: number): OperationSpan[] {
  const open = new Map<string, OperationSpan>();
  const spans: OperationSpan[] = [];
  const pairKey = (o: Op) => (o.value?.id !== undefined ? `id:${o.value.id}` : `process:${o.process}`);
  for (const o of history) {
    if (o.type === 'invoke') {
      const span: OperationSpan = {
        id: o.value?.id,
        process: String(o.process),
        f: o.f,
        node: o.node,
        invokeIndex: o.index,
        completeIndex: undefined,
        start: o.time,
        end: runEnd,
        outcome: 'info',
        unfinished: true,
        error: undefined,
      };
      open.set(pairKey(o), span);
      spans.push(span);
      continue;
    }
    const span = open.get(pairKey(o));
    if (!span) continue;
    open.delete(pairKey(o));
    span.completeIndex = o.index;
    span.end = o.time;
    span.outcome = o.type;
    span.unfinished = false;
    span.error = o.error === undefined ? undefined : typeof o.error === 'string' ? o.error : JSON.stringify(o.error);
  }
  return spans;
}
