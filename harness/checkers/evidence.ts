import type { Execution, Op } from '../history/op.ts';
import { cachedPairs, type OpPair } from '../history/pairs.ts';

/**
 * Indexes shared by the checkers of one check, each built once per input array in linear time. They hold
 * counts and sets, not per-id arrays: a million-op history would otherwise allocate a million small arrays,
 * and the few ids that become counterexamples are looked up again afterwards (`opIndicesOf`, `executionsOf`).
 */

/** Ops that observe rather than deliver: their ids name what they saw, not something to execute. */
export const observingFunctions: ReadonlySet<string> = new Set(['read', 'receive']);

export function isDelivery(pair: OpPair): boolean {
  return !observingFunctions.has(pair.invoke.f);
}

function memoize<K extends readonly unknown[], V>(build: (input: K) => V): (input: K) => V {
  const cache = new WeakMap<K, { length: number; value: V }>();
  return (input) => {
    const cached = cache.get(input);
    if (cached && cached.length === input.length) return cached.value;
    const value = build(input);
    cache.set(input, { length: input.length, value });
    return value;
  };
}

/** How many times each op id was executed. */
export const executionCounts = memoize((executions: readonly Execution[]): Map<string, number> => {
  const counts = new Map<string, number>();
  for (const execution of executions) counts.set(execution.id, (counts.get(execution.id) ?? 0) + 1);
  return counts;
});

/** Every op id some client invoked. */
export const invokedIds = memoize((history: readonly Op[]): Set<string> => {
  const ids = new Set<string>();
  for (const op of history) if (op.type === 'invoke') ids.add(op.value.id);
  return ids;
});

/** The ops that ask for something to be executed, paired with their completions. */
export const deliveries = memoize((history: readonly Op[]): OpPair[] => cachedPairs(history).filter(isDelivery));

/** History indices (invokes and completions) of the given ids, in one pass. */
export function opIndicesOf(history: readonly Op[], ids: Iterable<string>): Map<string, number[]> {
  const found = new Map<string, number[]>();
  for (const id of ids) found.set(id, []);
  if (found.size === 0) return found;
  for (const op of history) found.get(op.value.id)?.push(op.index);
  return found;
}

/** The executions of the given ids, in one pass, in file order. */
export function executionsOf(executions: readonly Execution[], ids: Iterable<string>): Map<string, Execution[]> {
  const found = new Map<string, Execution[]>();
  for (const id of ids) found.set(id, []);
  if (found.size === 0) return found;
  for (const execution of executions) found.get(execution.id)?.push(execution);
  return found;
}

export function pairIndices(pair: OpPair): number[] {
  return pair.completion ? [pair.invoke.index, pair.completion.index] : [pair.invoke.index];
}

export function pairTimes(pair: OpPair): number[] {
  return pair.completion ? [pair.invoke.time, pair.completion.time] : [pair.invoke.time];
}

export function formatTime(ms: number): string {
  return `${ms.toFixed(1)} ms`;
}

export function formatKey(execution: Execution): string {
  return `${execution.key.from}#${execution.key.seq}`;
}
