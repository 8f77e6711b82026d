import type { Completion, Op } from '../history/op.ts';

/** One operation from invoke to completion, as the timeline and the latency plot draw it. */
export interface OperationSpan {
  id: string;
  process: string;
  f: string;
  node: string;
  invokeIndex: number;
  completeIndex: number | undefined;
  start: number;
  /** Completion time; for an op never completed, the end of the run (it stayed in flight). */
  end: number;
  outcome: Completion;
  /** True when the op never completed: counted as info, as Jepsen does. */
  unfinished: boolean;
  error: string | undefined;
}

/** Pairs each invoke with its completion (same op id); an op never completed lasts to the end of the run. */
export function operationSpans(history: Op[], runEnd: number): OperationSpan[] {
  const open = new Map<string, OperationSpan>();
  const spans: OperationSpan[] = [];
  for (const o of history) {
    if (o.type === 'invoke') {
      const span: OperationSpan = {
        id: o.value.id,
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
      open.set(o.value.id, span);
      spans.push(span);
      continue;
    }
    const span = open.get(o.value.id);
    if (!span) continue;
    open.delete(o.value.id);
    span.completeIndex = o.index;
    span.end = o.time;
    span.outcome = o.type;
    span.unfinished = false;
    span.error = o.error;
  }
  return spans;
}
