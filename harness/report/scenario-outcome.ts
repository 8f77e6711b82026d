import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { readVerdict, type CheckerResult, type VerdictValue } from './run-folder.ts';

/** One scenario's entry in `chaoslab run --json`: what JUnit and the CI summary are made of. */
export interface ScenarioOutcome {
  name: string;
  backend: string;
  seed?: number | string;
  expected: Record<string, VerdictValue>;
  observed: Record<string, VerdictValue>;
  ok: boolean;
  ops?: number;
  faults?: number;
  durationMs?: number;
  /** The run folder; its verdict.json supplies the counterexamples and replay command. */
  dir?: string;
  /** Why the scenario did not run on this backend or proxy. */
  skipped?: string;
  /** Why the run itself failed (lab did not start ...), when it produced no verdicts. */
  error?: string;
  replay?: string;
  results?: CheckerResult[];
}

export interface GuaranteeOutcome {
  guarantee: string;
  expected: VerdictValue | undefined;
  observed: VerdictValue | undefined;
  matched: boolean;
  result: CheckerResult | undefined;
}

/** The results and replay command of a scenario, from the outcome itself or else its run folder's verdict.json. */
export async function detailsOf(outcome: ScenarioOutcome): Promise<{ results: CheckerResult[]; replay: string }> {
  let results = outcome.results;
  let replay = outcome.replay;
  if ((!results || !replay) && outcome.dir && existsSync(join(outcome.dir, 'verdict.json'))) {
    try {
      const verdict = await readVerdict(outcome.dir);
      results ??= verdict.results;
      replay ??= verdict.replay;
    } catch {
      // An unreadable verdict.json only costs the details; the outcome itself still says what matched.
    }
  }
  const backend = outcome.backend && outcome.backend !== 'process' ? ` --backend ${outcome.backend}` : '';
  return {
    results: results ?? [],
    replay: replay ?? `npx chaoslab run ${outcome.name}${backend}${outcome.seed !== undefined ? ` --seed ${outcome.seed}` : ''}`,
  };
}

/**
 * The guarantees a scenario is judged on: those it expects a verdict for (figures such as availability are
 * observed but not expected); a scenario that expects nothing is judged on everything observed.
 */
export function guaranteesOf(outcome: ScenarioOutcome, results: CheckerResult[]): GuaranteeOutcome[] {
  const expectedNames = Object.keys(outcome.expected ?? {});
  const names = expectedNames.length > 0 ? expectedNames : Object.keys(outcome.observed ?? {});
  return names.map((guarantee) => {
    const expected = outcome.expected?.[guarantee];
    const observed = outcome.observed?.[guarantee];
    return {
      guarantee,
      expected,
      observed,
      matched: expected === undefined ? observed !== 'violated' : expected === observed,
      result: results.find((r) => r.checker === guarantee),
    };
  });
}
