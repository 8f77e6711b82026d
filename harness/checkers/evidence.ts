import type { Execution, Op } from '../history/op.ts';
import { cachedPairs, type OpPair } from '../history/pairs.ts';

/**
 * Indexes shared by the checkers of one check, each built once per input array in linear time: a
 * million-op history is walked a handful of times, never searched.
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

export const executionsById = memoize((executions: readonly Execution[]): Map<string, Execution[]> => {
  const byId = new Map<string, Execution[]>();
  for (const execution of executions) {
    const list = byId.get(execution.id);
    if (list) list.push(execution);
    else byId.set(execution.id, [execution]);
  }
  return byId;
});

/** History indices (invoke and completion) of every op, by op id. */
export const opIndicesById = memoize((history: readonly Op[]): Map<string, number[]> => {
  const byId = new Map<string, number[]>();
  for (const op of history) {
    const list = byId.get(op.value.id);
    if (list) list.push(op.index);
    else byId.set(op.value.id, [op.index]);
  }
  return byId;
});

/** The ops that ask for something to be executed, paired with their completions. */
export const deliveries = memoize((history: readonly Op[]): OpPair[] => cachedPairs(history).filter(isDelivery));

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
