import type { Result, Verdict } from '../checkers/result.ts';

/** One guarantee's line in a run's summary: what the scenario expected against what the checker saw. */
export interface GuaranteeRow {
  guarantee: string;
  expected: Verdict | undefined;
  /** Undefined when the scenario expected a verdict its run never reached (its checker did not run). */
  observed: Verdict | undefined;
  matches: boolean;
  result: Result | undefined;
}

/** Rows for every checker that ran: each has a result and a verdict. */
export type CheckedRow = GuaranteeRow & { observed: Verdict; result: Result };

export interface Judgement {
  rows: CheckedRow[];
  observed: Record<string, Verdict>;
  /** Every expectation met; with no expectations at all, nothing violated. */
  ok: boolean;
}

/**
 * Whether one guarantee's observed verdict is as expected. A verdict with no expectation only counts when the
 * scenario expects nothing at all, and then anything but a violation is fine; an expectation never met by a
 * verdict (its checker did not run) does not match.
 */
export function verdictMatches(expected: Verdict | undefined, observed: Verdict | undefined, expectsSomething: boolean): boolean {
  if (expected !== undefined) return expected === observed;
  return expectsSomething || observed !== 'violated';
}

/** Compares checker results with a scenario's expected verdicts. */
export function compareWithExpected(results: readonly Result[], expected: Record<string, Verdict> = {}): Judgement {
  const expectsSomething = Object.keys(expected).length > 0;
  const observed: Record<string, Verdict> = {};
  const rows: CheckedRow[] = results.map((result) => {
    observed[result.checker] = result.verdict;
    const wanted = expected[result.checker];
    return { guarantee: result.checker, expected: wanted, observed: result.verdict, matches: verdictMatches(wanted, result.verdict, expectsSomething), result };
  });
  const missing = Object.keys(expected).filter((guarantee) => !(guarantee in observed));
  const ok = missing.length === 0 && rows.every((row) => row.matches);
  return { rows, observed, ok };
}

/** Whether the stored verdicts meet the expectations, for a record that does not say (`ok` missing). */
export function expectationsMet(expected: Record<string, Verdict>, observed: Record<string, Verdict>): boolean {
  const expectsSomething = Object.keys(expected).length > 0;
  const guarantees = expectsSomething ? Object.keys(expected) : Object.keys(observed);
  return guarantees.every((guarantee) => verdictMatches(expected[guarantee], observed[guarantee], expectsSomething));
}

/**
 * The guarantees a scenario is judged on: those it expects a verdict for (figures such as availability are
 * observed but not expected); a scenario that expects nothing is judged on everything observed.
 */
export function guaranteeRows(expected: Record<string, Verdict>, observed: Record<string, Verdict>, results: readonly Result[]): GuaranteeRow[] {
  const expectsSomething = Object.keys(expected).length > 0;
  const names = expectsSomething ? Object.keys(expected) : Object.keys(observed);
  return names.map((guarantee) => ({
    guarantee,
    expected: expected[guarantee],
    observed: observed[guarantee],
    matches: verdictMatches(expected[guarantee], observed[guarantee], expectsSomething),
    result: results.find((result) => result.checker === guarantee),
  }));
}
