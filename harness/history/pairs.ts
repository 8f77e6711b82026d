import type { Completion, Op } from './op.ts';

/** One operation from its invoke to its completion; `outcome` is `info` when it never completed. */
export interface OpPair {
  invoke: Op;
  completion: Op | undefined;
  outcome: Completion;
}

/** A history that breaks the invoke/complete discipline (a completion with no open invoke, an index gap). */
export class HistoryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'HistoryError';
  }
}

// A completion closes the open invoke of the same process and op id: a process may keep several ops in
// flight (a workload of async clients), but never two with the same id.
function pairKey(op: Op): string {
  return `${op.process}\u0000${op.value.id}`;
}

/**
 * Pairs every invoke with its completion, in invoke order. An invoke still open when the history ends is
 * indeterminate (`info`): the run stopped watching, the op may or may not have happened.
 */
export function pairs(history: readonly Op[]): OpPair[] {
  const result: OpPair[] = [];
  const open = new Map<string, number>();
  for (const op of history) {
    const key = pairKey(op);
    if (op.type === 'invoke') {
      if (open.has(key)) {
        throw new HistoryError(
          `op ${op.index}: process ${op.process} invokes id ${op.value.id} again before its invoke at index ${result[open.get(key)!]!.invoke.index} completed`,
        );
      }
      open.set(key, result.length);
      result.push({ invoke: op, completion: undefined, outcome: 'info' });
    } else {
      const at = open.get(key);
      if (at === undefined) {
        throw new HistoryError(`op ${op.index}: ${op.type} of id ${op.value.id} by process ${op.process} has no open invoke`);
      }
      open.delete(key);
      const pair = result[at]!;
      pair.completion = op;
      pair.outcome = op.type;
    }
  }
  return result;
}

const pairsCache = new WeakMap<readonly Op[], { length: number; pairs: OpPair[] }>();

/**
 * `pairs`, computed once per history array: several checkers read the same pairs in one check. The length
 * guard recomputes when a recorder's live array has grown since.
 */
export function cachedPairs(history: readonly Op[]): OpPair[] {
  const cached = pairsCache.get(history);
  if (cached && cached.length === history.length) return cached.pairs;
  const fresh = pairs(history);
  pairsCache.set(history, { length: history.length, pairs: fresh });
  return fresh;
}

/** Latency of a completed op in ms, undefined when it never completed. */
export function latency(pair: OpPair): number | undefined {
  return pair.completion ? pair.completion.time - pair.invoke.time : undefined;
}
