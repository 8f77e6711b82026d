import { checkAtLeastOnce } from './at-least-once.ts';
import { checkAtMostOnce } from './at-most-once.ts';
import type { CheckInput, Checker, Result, Verdict } from './result.ts';

/** Exactly once is both promises at once; either one failing is a counterexample to it. */
export function checkExactlyOnce(input: CheckInput): Result {
  const parts = [checkAtMostOnce(input), checkAtLeastOnce(input)];
  const verdict: Verdict = parts.some((part) => part.verdict === 'violated')
    ? 'violated'
    : parts.some((part) => part.verdict === 'unknown')
      ? 'unknown'
      : 'holds';
  const reason = parts
    .filter((part) => verdict === 'holds' || part.verdict === verdict)
    .map((part) => `${part.checker}: ${part.reason}`)
    .join('; ');
  const stats: Record<string, number> = {};
  for (const part of parts) Object.assign(stats, part.stats);
  return {
    checker: 'exactly-once',
    verdict,
    reason,
    counterexamples: parts.flatMap((part) => part.counterexamples),
    stats,
  };
}

export const exactlyOnce: Checker = {
  name: 'exactly-once',
  summary: 'at-most-once and at-least-once together',
  check: checkExactlyOnce,
};
