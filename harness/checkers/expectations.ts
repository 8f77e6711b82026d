import type { Result, Verdict } from './result.ts';

/** One guarantee's line in a run's summary: what the scenario expected against what the checker saw. */
export interface Comparison {
  guarantee: string;
  expected: Verdict | undefined;
  observed: Verdict;
  matches: boolean;
  result: Result;
}

export interface Outcome {
  rows: Comparison[];
  observed: Record<string, Verdict>;
  /** Every expectation met; with no expectations at all, nothing violated. */
  ok: boolean;
}

/**
 * Compares checker results with a scenario's expected verdicts. A result with no expectation is shown but
 * only decides `ok` when the scenario expects nothing at all; an expectation with no result never matches.
 */
export function compareWithExpected(results: readonly Result[], expected: Record<string, Verdict> = {}): Outcome {
  const expectsSomething = Object.keys(expected).length > 0;
  const observed: Record<string, Verdict> = {};
  const rows: Comparison[] = results.map((result) => {
    observed[result.checker] = result.verdict;
    const wanted = expected[result.checker];
    const matches = wanted !== undefined ? wanted === result.verdict : expectsSomething || result.verdict !== 'violated';
    return { guarantee: result.checker, expected: wanted, observed: result.verdict, matches, result };
  });
  const missing = Object.keys(expected).filter((guarantee) => !(guarantee in observed));
  const ok = missing.length === 0 && rows.every((row) => row.matches);
  return { rows, observed, ok };
}
