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

/**
 * Pairs every invoke with its completion, in invoke order. An invoke still open when the history ends is
 * indeterminate (`info`): the run stopped watching, the op may or may not have happened.
 *
 * A completion closes the open invoke of the same process and op id: a process may keep several ops in
 * flight (a workload of async clients), but never two with the same id. Ids are nearly always unique, so
 * the open ops are found by id alone, and by process and id only when one id is open in several processes
 * (this keeps a million-op history from building two million composite keys).
 */
export function pairs(history: readonly Op[]): OpPair[] {
  const result: OpPair[] = [];
  const openById = new Map<string, number>();
  const openByProcessAndId = new Map<string, number>();
  const composite = (op: Op) => `${op.process}\u0000${op.value.id}`;
  for (const op of history) {
    const id = op.value.id;
    const first = openById.get(id);
    if (op.type === 'invoke') {
      const again =
        first !== undefined
          ? result[first]!.invoke.process === op.process ? first : openByProcessAndId.get(composite(op))
          : openByProcessAndId.size > 0 ? openByProcessAndId.get(composite(op)) : undefined;
      if (again !== undefined) {
        throw new HistoryError(
          `op ${op.index}: process ${op.process} invokes id ${id} again before its invoke at index ${result[again]!.invoke.index} completed`,
        );
      }
      if (first === undefined) openById.set(id, result.length);
      else openByProcessAndId.set(composite(op), result.length);
      result.push({ invoke: op, completion: undefined, outcome: 'info' });
      continue;
    }
    let at: number | undefined;
    if (first !== undefined && result[first]!.invoke.process === op.process) {
      at = first;
      openById.delete(id);
    } else if (openByProcessAndId.size > 0) {
      at = openByProcessAndId.get(composite(op));
      openByProcessAndId.delete(composite(op));
    }
    if (at === undefined) {
      throw new HistoryError(`op ${op.index}: ${op.type} of id ${id} by process ${op.process} has no open invoke`);
    }
    const pair = result[at]!;
    pair.completion = op;
    pair.outcome = op.type;
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
