import fc from 'fast-check';
import type { Capability } from '../nemesis/fault.ts';
import type { Guarantee } from '../scenario.ts';
import { faultPresets, type FaultPresetName } from './presets.ts';
import { nodeCount, trialArbitrary, windowCount, type Trial, type TrialSetting } from './schedule.ts';
import type { TrialRun, TrialRunner } from './lab-trial.ts';

/** The share of the shrinking budget that fast-check's own shrinking may use. */
const FAST_CHECK_SHARE = 0.6;

/**
 * A trial breaks a promise when one guarantee breaks in this many of its runs: real runs are not bit-for-bit
 * repeatable (a fault window lands a little earlier or later against the calls in flight), so one run that shows
 * a violation proves little about the trial, and a trial's first showing is confirmed by another.
 */
export const SHOWINGS = 2;

/** At most this many runs of one trial are spent on deciding whether it breaks a promise (the first one included). */
export const RUNS_PER_TRIAL = 4;

export interface SearchOptions {
  setting: TrialSetting;
  runner: TrialRunner;
  /** What the runner's labs offer beyond what every backend offers: only faults they can play are drawn. */
  capabilities: readonly Capability[];
  faults?: FaultPresetName;
  /** Stop after this many trials (runs of new schedules, confirmations and shrink steps not counted)... */
  runs?: number;
  /** ... or after this long searching; shrinking gets `shrinkMs` on top. */
  timeMs?: number;
  shrinkMs?: number;
  /** Trials at once; trial k is drawn from `seed + k`. */
  parallel?: number;
  seed: number;
  maxOps?: number;
  /** Runs of one trial to decide whether it breaks a promise (RUNS_PER_TRIAL): see `reproduce`. */
  runsPerTrial?: number;
  onProgress?: (progress: SearchProgress) => void;
}

export interface SearchProgress {
  phase: 'searching' | 'confirming' | 'shrinking' | 'done';
  runs: number;
  runsPerMinute: number;
  faultsTried: number;
  violations: number;
  /** Trials whose run could not finish (no verdict, never counted as a violation), and the latest reason. */
  errors: number;
  lastError?: string;
  shrinkSteps: number;
  elapsedMs: number;
}

export interface Found {
  violated: Guarantee[];
  /** The first trial that broke a promise (in SHOWINGS of its runs), and the smallest one that still does. */
  before: Trial;
  after: Trial;
  /** The last run of `after` that showed the violation. */
  run: TrialRun;
  shrinkSteps: number;
}

export interface SearchResult {
  found?: Found;
  runs: number;
  faultsTried: number;
  violations: number;
  errors: number;
  /** When the first trial that broke a promise finished, since the search started. */
  firstViolationMs?: number;
  /** Trials per minute while searching (confirmation and shrinking not counted). */
  runsPerMinute: number;
  durationMs: number;
}

/** A trial's verdict over several runs: the guarantees that broke in SHOWINGS of them, and the last run showing one. */
export interface Reproduced {
  violated: Guarantee[];
  run: TrialRun;
}

/**
 * Runs a trial until one guarantee has broken in SHOWINGS of its runs, at most `runs` runs in all counting the
 * `earlier` ones, `atOnce` at a time; it stops as soon as that is reached or can no longer be. Only guarantees in
 * `among` count, when given. A run that could not finish counts as a run that showed nothing.
 */
export async function reproduce(
  run: () => Promise<TrialRun>,
  { runs, atOnce = 1, earlier = [], among }: { runs: number; atOnce?: number; earlier?: readonly TrialRun[]; among?: readonly Guarantee[] },
): Promise<Reproduced | undefined> {
  const made: TrialRun[] = [...earlier];
  const shown = (result: TrialRun) => result.violated.filter((g) => !among || among.includes(g));
  const showings = (g: Guarantee) => made.filter((result) => shown(result).includes(g)).length;
  const most = () => Math.max(0, ...made.flatMap(shown).map(showings));
  while (made.length < runs && most() < SHOWINGS && most() + (runs - made.length) >= SHOWINGS) {
    const batch = Math.min(Math.max(1, atOnce), runs - made.length);
    made.push(...(await Promise.all(Array.from({ length: batch }, run))));
  }
  const violated = [...new Set(made.flatMap(shown))].filter((g) => showings(g) >= SHOWINGS);
  const last = [...made].reverse().find((result) => shown(result).some((g) => violated.includes(g)));
  return violated.length > 0 ? { violated, run: last! } : undefined;
}

/**
 * Draws trials from fast-check's arbitraries until one breaks a promise of the setting (confirmed: see
 * `reproduce`), then shrinks it (windows left out one by one, then fast-check's shrinking), keeping a smaller trial
 * only while it still breaks one of the same promises by the same rule.
 */
export async function search(options: SearchOptions): Promise<SearchResult> {
  const startedAt = performance.now();
  const elapsed = () => performance.now() - startedAt;
  const lanes = Math.max(1, options.parallel ?? 1);
  const runsPerTrial = Math.max(SHOWINGS, options.runsPerTrial ?? RUNS_PER_TRIAL);
  const searchMs = options.timeMs ?? Infinity;
  const maxRuns = options.runs ?? Infinity;
  if (!Number.isFinite(searchMs) && !Number.isFinite(maxRuns)) throw new Error('explore needs a budget: runs or time');
  const arbitrary = trialArbitrary(faultPresets[options.faults ?? 'default'], { maxOps: options.maxOps, capabilities: options.capabilities });
  const state = {
    phase: 'searching' as SearchProgress['phase'],
    started: 0,
    runs: 0,
    faultsTried: 0,
    violations: 0,
    errors: 0,
    lastError: undefined as string | undefined,
    firstViolationMs: undefined as number | undefined,
    searchEndedMs: undefined as number | undefined,
    shrinkSteps: 0,
    shrinkStartedAt: 0,
    found: undefined as Found | undefined,
  };
  const report = () =>
    options.onProgress?.({
      phase: state.phase,
      runs: state.runs,
      runsPerMinute: state.runs / Math.max(elapsed() / 60_000, 1 / 60),
      faultsTried: state.faultsTried,
      violations: state.violations,
      errors: state.errors,
      ...(state.lastError ? { lastError: state.lastError } : {}),
      shrinkSteps: state.shrinkSteps,
      elapsedMs: Math.round(elapsed()),
    });
  const searchOver = () => state.found !== undefined || elapsed() >= searchMs || state.started >= maxRuns;
  const shrinkMs = options.shrinkMs ?? 120_000;
  // Leaving windows out one at a time removes the most for each run it costs, so it goes first; fast-check's own
  // shrinking (ops, concurrency, nodes, kinds, durations) then starts from what it left and may run until this
  // share of the budget is spent, and the windows are tried once more on what fast-check left.
  const fastCheckShrinkOver = () => performance.now() - state.shrinkStartedAt >= shrinkMs * FAST_CHECK_SHARE;
  const shrinkOver = () => performance.now() - state.shrinkStartedAt >= shrinkMs;
  const run = (trial: Trial) => options.runner(trial, options.setting, { report: false });

  /**
   * Whether a shrink candidate still breaks one of the found guarantees. The search lanes have stopped by then,
   * so its runs go `lanes` at a time.
   */
  const reproduces = (trial: Trial): Promise<Reproduced | undefined> =>
    reproduce(() => run(trial), { runs: runsPerTrial, atOnce: lanes, among: state.found!.violated });

  const keep = (trial: Trial, reproduced: Reproduced) => {
    state.shrinkSteps++;
    Object.assign(state.found!, { after: trial, violated: reproduced.violated, run: reproduced.run, shrinkSteps: state.shrinkSteps });
    report();
  };

  /**
   * Each window is left out in turn, and stays out while the violation still shows (delta debugging's
   * one-at-a-time pass). fast-check shrinks an array by cutting it from the front and then shrinking its items, so
   * a window that looked necessary only because of an earlier step can stay behind it: the pass runs again after.
   */
  const dropWindowsOneByOne = async (): Promise<void> => {
    const found = state.found!;
    for (let i = found.after.windows.length - 1; i >= 0 && !shrinkOver(); i--) {
      const candidate = { ...found.after, windows: found.after.windows.filter((_, j) => j !== i) };
      const reproduced = await reproduces(candidate);
      if (reproduced) keep(candidate, reproduced);
    }
  };

  /** fast-check's shrinking, from the smallest trial kept so far (known to break the promise: not run again). */
  const shrinkWithFastCheck = async (): Promise<void> => {
    const same = (a: Trial, b: Trial) => JSON.stringify(a) === JSON.stringify(b);
    const shrinking = fc.asyncProperty(arbitrary, async (trial) => {
      if (same(trial, state.found!.after)) return false;
      if (fastCheckShrinkOver()) return true;
      const reproduced = await reproduces(trial);
      if (!reproduced) return true;
      keep(trial, reproduced);
      return false;
    });
    await fc.check(shrinking, { examples: [[state.found!.after]], numRuns: 1, seed: options.seed | 0 });
  };

  /** A search lane's property: the trial drawn is run, and confirmed when it breaks a promise (the lanes then stop). */
  const property = () =>
    fc.asyncProperty(arbitrary, async (trial) => {
      if (searchOver()) return true;
      state.started++;
      const first = await run(trial);
      state.runs++;
      state.faultsTried += windowCount(trial);
      if (first.error) {
        state.errors++;
        state.lastError = `${first.dir}: ${first.error}`;
      }
      report();
      if (first.violated.length === 0 || state.found) return true;
      state.violations++;
      state.firstViolationMs ??= Math.round(elapsed());
      state.phase = 'confirming';
      report();
      // The other lanes go on searching meanwhile: this lane's runs go one at a time.
      const confirmed = await reproduce(() => run(trial), { runs: runsPerTrial, earlier: [first] });
      if (!confirmed || state.found) {
        state.phase = 'searching';
        return true;
      }
      state.found = { violated: confirmed.violated, before: trial, after: trial, run: confirmed.run, shrinkSteps: 0 };
      state.phase = 'shrinking';
      state.shrinkStartedAt = performance.now();
      state.searchEndedMs = elapsed();
      report();
      return true;
    });

  // Trial k is drawn from seed + k by its own fast-check run of one case, whichever lane runs it: the schedules
  // replay from the seed however the lanes interleave, and a lane stops drawing the moment the budget is spent.
  // Unbiased: fast-check's bias towards small values is meant for a run's first cases, and each run here has one.
  let next = 0;
  await Promise.all(
    Array.from({ length: lanes }, async () => {
      while (!searchOver()) {
        const k = next++;
        await fc.check(property(), { seed: (options.seed + k) | 0, numRuns: 1, unbiased: true });
      }
    }),
  );
  if (state.found) {
    await dropWindowsOneByOne();
    const afterFirstPass = state.found.after;
    await shrinkWithFastCheck();
    if (state.found.after !== afterFirstPass) await dropWindowsOneByOne();
  }
  state.phase = 'done';
  report();
  const { found } = state;
  return {
    ...(found ? { found: { violated: found.violated, before: found.before, after: found.after, run: found.run, shrinkSteps: found.shrinkSteps } } : {}),
    runs: state.runs,
    faultsTried: state.faultsTried,
    violations: state.violations,
    errors: state.errors,
    ...(state.firstViolationMs !== undefined ? { firstViolationMs: state.firstViolationMs } : {}),
    runsPerMinute: state.runs / Math.max((state.searchEndedMs ?? elapsed()) / 60_000, 1 / 60),
    durationMs: Math.round(elapsed()),
  };
}

/** The size figures an explore reports about a trial. */
export function trialSize(trial: Trial): { windows: number; ops: number; nodes: number; concurrency: number } {
  return { windows: windowCount(trial), ops: trial.ops, nodes: nodeCount(trial), concurrency: trial.concurrency };
}
