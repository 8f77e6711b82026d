import type { Result, Verdict } from '../checkers/result.ts';
import { guaranteeRows, type GuaranteeRow } from './expectations.ts';
import { readVerdictFile } from './verdict-file.ts';

export type BackendName = 'process' | 'docker' | 'sim';

/** One scenario's run as `runScenario` returns it and `chaoslab run --json` prints it. */
export interface ScenarioOutcome {
  name: string;
  backend: BackendName;
  seed: number;
  expected: Record<string, Verdict>;
  observed: Record<string, Verdict>;
  ok: boolean;
  ops: number;
  faults: number;
  durationMs: number;
  /** The run folder. */
  dir: string;
  replay: string;
  results: Result[];
  /** Why the scenario did not run on this backend or proxy. */
  skipped?: string;
  /** Why the run itself failed (lab did not start ...), when it produced no verdicts. */
  error?: string;
}

/**
 * An outcome as the CI reports (JUnit, Markdown summary) take it: read back from `--json`, it may lack what a
 * run folder's verdict.json supplies (the results and replay command).
 */
export type OutcomeSummary = Pick<ScenarioOutcome, 'name' | 'expected' | 'observed' | 'ok'> & { backend: string; seed?: number | string } & Partial<
    Omit<ScenarioOutcome, 'name' | 'expected' | 'observed' | 'ok' | 'backend' | 'seed'>
  >;

/** The command that runs a scenario again the same way: the same seed draws the same workload and faults. */
export function replayCommand(target: string, seed: number | string | undefined, backend: string | undefined): string {
  const onBackend = backend && backend !== 'process' ? ` --backend ${backend}` : '';
  return `npx chaoslab run ${target}${onBackend}${seed !== undefined ? ` --seed ${seed}` : ''}`;
}

/** The results and replay command of a scenario, from the outcome itself or else its run folder's verdict.json. */
export async function detailsOf(outcome: OutcomeSummary): Promise<{ results: Result[]; replay: string }> {
  let results = outcome.results;
  let replay = outcome.replay;
  if ((!results || !replay) && outcome.dir) {
    try {
      const verdict = await readVerdictFile(outcome.dir);
      results ??= verdict?.results;
      replay ??= verdict?.replay;
    } catch {
      // An unreadable verdict.json only costs the details; the outcome itself still says what matched.
    }
  }
  return { results: results ?? [], replay: replay ?? replayCommand(outcome.name, outcome.seed, outcome.backend) };
}

/** The guarantees a scenario is judged on, each with its expected and observed verdict. */
export function guaranteesOf(outcome: OutcomeSummary, results: readonly Result[]): GuaranteeRow[] {
  return guaranteeRows(outcome.expected ?? {}, outcome.observed ?? {}, results);
}
