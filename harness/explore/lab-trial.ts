import { rm } from 'node:fs/promises';
import { runScenario } from '../run.ts';
import type { ExploreBackend } from './backend.ts';
import type { Guarantee } from '../scenario.ts';
import { promisedBy } from '../promises.ts';
import { scheduleFacts, trialScenario, type Trial, type TrialSetting } from './schedule.ts';

/** What one run of a trial showed: the promised guarantees it broke, and where its run folder is. */
export interface TrialRun {
  violated: Guarantee[];
  /** What the checkers of the broken guarantees said (their reasons), in the order of `violated`. */
  reasons?: string[];
  seed: number;
  dir: string;
  /** The run could not finish (lab did not start, workload abandoned): no verdict, never a violation. */
  error?: string;
}

export type TrialRunner = (trial: Trial, setting: TrialSetting, options: { report: boolean }) => Promise<TrialRun>;

/** Runs a trial as a scenario on a lab and checks every guarantee its setting promises under its schedule. */
export function labTrialRunner({ runsDir, backend }: { runsDir: string; backend?: ExploreBackend }): TrialRunner {
  return async (trial, setting, { report }) => {
    const promised = promisedBy(setting.semantics, scheduleFacts(trial));
    const expect = Object.fromEntries(promised.guarantees.map((g) => [g, 'holds' as const]));
    const scenario = { ...trialScenario(trial, setting, 'explore-trial', expect), eventual: promised.options.eventual };
    const outcome = await runScenario(scenario, { seed: trial.seed, runsDir, report, ...(backend ? { backend } : {}) });
    const violated = promised.guarantees.filter((g) => outcome.observed[g] === 'violated');
    // A trial that kept every promise is not worth its disk: only runs that show something stay.
    if (violated.length === 0 && !outcome.error && !report) await rm(outcome.dir, { recursive: true, force: true });
    const reasons = violated.map((g) => outcome.results.find((result) => result.checker === g)?.reason ?? '');
    return { violated, reasons, seed: outcome.seed, dir: outcome.dir, ...(outcome.error ? { error: outcome.error } : {}) };
  };
}
