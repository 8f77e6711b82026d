import { Option, type Command } from 'commander';
import type { BackendName, ScenarioOutcome } from '../../outcome/index.ts';
import { exitCodeHelp, exitCodes } from '../exit-codes.ts';
import { MAX_SEED, parseSeed, parseShard, wholeNumber, type Shard } from '../flags.ts';
import { inShard, planRuns } from '../selection.ts';
import { stopLabsOnSignals } from '../signals.ts';
import { UsageError, rethrowAsUsage } from '../usage-error.ts';

interface RunFlags {
  backend: BackendName;
  seed?: number;
  json?: boolean;
  toxiproxyUrl?: string;
  runsDir: string;
  junit?: string;
  summary?: string;
  report: boolean;
  parallel?: number;
  repeat: number;
  bail?: boolean;
  shard?: Shard;
  scenarios?: string;
}

/**
 * Scenarios run at once unless --parallel says otherwise. Much of a scenario is waiting (fault windows,
 * retransmission timers, restarts), so two local labs share two cores well; containers start slowly enough
 * under load that the docker backend runs one at a time. A simulation never waits: it keeps one core busy.
 */
const DEFAULT_PARALLEL: Record<BackendName, number> = { process: 2, docker: 1, sim: 1 };

export function register(program: Command): void {
  program
    .command('run')
    .description('Run scenarios (all when none named) and compare each observed verdict with the expected one.')
    .argument('[scenario...]', "scenario names or name patterns ('lost-reply-*'; see `chaoslab list`), scenario files or folders")
    .option('--scenarios <dir>', "the project's scenario folder, run with the built-in catalogue (default: ./scenarios when there is one)")
    .addOption(new Option('--backend <name>', 'where nodes run').choices(['process', 'docker', 'sim']).default('process'))
    .option('--seed <n>', `replay: the same seed gives the same workload and fault schedule (0 to ${MAX_SEED})`, parseSeed)
    .option('--json', 'print one JSON object {"scenarios": [...]} on stdout')
    .option('--toxiproxy-url <url>', 'use this Toxiproxy instead of the embedded proxy (standard toxics only)')
    .option('--runs-dir <dir>', 'where run folders are written', 'runs')
    .option('--junit <file>', 'also write a JUnit XML file (one test case per scenario and guarantee)')
    .option('--summary <file>', 'also write a Markdown summary')
    .option('--no-report', "do not write report.html into each run folder, nor the runs folder's index.html (faster)")
    .option('--parallel <n>', 'scenarios run at once (default 2 on process, 1 on docker)', wholeNumber('--parallel', 1, 64))
    .option('--repeat <n>', 'run each scenario n times, each with a fresh seed (with --seed: seed, seed+1, ...)', wholeNumber('--repeat', 1, 10_000), 1)
    .option('--bail', 'start no new scenario after the first one not as expected (or failed); running ones finish, the rest are reported as not run')
    .option('--shard <i/n>', 'run only the i-th of n shards of the scenarios (split by name, for parallel CI jobs)', parseShard)
    .addHelpText('after', exitCodeHelp())
    .action(async (names: string[], flags: RunFlags) => {
      // Loaded here, not at the top: every command file is imported for every command, `chaoslab node` included.
      const { displayPath, findScenarios } = await import('../../catalogue.ts');
      const { closeActiveLabs, runScenario } = await import('../../run.ts');
      const { progressView } = await import('../output/progress.ts');
      const { formatRunSummary } = await import('../output/outcomes.ts');
      const { styleFor } = await import('../output/style.ts');

      if (flags.seed !== undefined && flags.seed + flags.repeat - 1 > MAX_SEED) {
        throw new UsageError(`--seed ${flags.seed} with --repeat ${flags.repeat} would run seeds past ${MAX_SEED}`);
      }
      const found = await findScenarios(names, { scenariosDir: flags.scenarios }).catch(rethrowAsUsage);
      const sources = flags.shard ? inShard(found, flags.shard) : found;
      // A broken scenario file is an outcome of its own (failed, naming the file and its error); the others run.
      const broken = sources.filter((source) => source.error).map((source) => brokenFileOutcome(source.name, displayPath(source.file), source.error!, flags.backend));
      const runnable = sources.flatMap((source) => (source.scenario ? [source.scenario] : []));
      const runs = planRuns(runnable, flags.repeat, flags.seed);

      const offSignals = stopLabsOnSignals(closeActiveLabs);

      const startedAt = performance.now();
      const parallel = flags.parallel ?? DEFAULT_PARALLEL[flags.backend];
      const view = progressView(runs.length);
      const outcomes: (ScenarioOutcome | undefined)[] = new Array(runs.length);
      let next = 0;
      let bailed = false;
      const runner = async () => {
        while (!bailed && next < runs.length) {
          const i = next++;
          const outcome = await runScenario(runs[i]!.scenario, {
            backend: flags.backend,
            seed: runs[i]!.seed,
            toxiproxyUrl: flags.toxiproxyUrl ?? process.env.CHAOSLAB_TOXIPROXY_URL,
            runsDir: flags.runsDir,
            report: flags.report,
            onProgress: (line) => view.progress(i, line),
          });
          outcomes[i] = outcome;
          view.finished(i, outcome);
          if (flags.bail && !outcome.ok) bailed = true;
        }
      };
      try {
        // Outcomes keep the plan's order whichever finishes first; seeds do not depend on the order either.
        await Promise.all(Array.from({ length: parallel }, runner));
      } finally {
        view.close();
        offSignals();
      }
      const ran = [...broken, ...outcomes.filter((outcome): outcome is ScenarioOutcome => outcome !== undefined)];
      const notRun = runs.filter((_, i) => outcomes[i] === undefined).map((run) => run.scenario.name);
      await writeExtraReports(ran, notRun, flags);
      if (flags.json) {
        process.stdout.write(`${JSON.stringify({ scenarios: ran.map(jsonEntry), ...(notRun.length > 0 ? { notRun } : {}) })}\n`);
      } else {
        const summary = { outcomes: ran, notRun, wallMs: performance.now() - startedAt, parallel };
        process.stdout.write(`${formatRunSummary(summary, styleFor(process.stdout))}\n`);
      }
      process.exitCode = exitStatus(ran, broken.length > 0);
    });
}

/**
 * A wrong verdict is the finding and outweighs a run that could not finish; see exit-codes.ts. Scenarios --bail did
 * not start need no case of their own: it only stops after one of these.
 */
function exitStatus(outcomes: ScenarioOutcome[], brokenFiles: boolean): number {
  if (outcomes.some((outcome) => !outcome.ok && !outcome.error)) return exitCodes.notAsExpected.code;
  if (brokenFiles) return exitCodes.usage.code;
  if (outcomes.some((outcome) => outcome.error)) return exitCodes.internal.code;
  return exitCodes.asExpected.code;
}

/** The per-scenario fields of `--json`, without the full checker results (they are in each verdict.json). */
function jsonEntry(outcome: ScenarioOutcome) {
  const { results: _results, ...entry } = outcome;
  return entry;
}

/** JUnit and Markdown summaries are harness/report's; asked for, they must be written or the run fails. */
async function writeExtraReports(outcomes: ScenarioOutcome[], notRun: string[], flags: RunFlags): Promise<void> {
  if (!flags.junit && !flags.summary) return;
  const report = (await import('../../report/index.ts')) as {
    writeJUnit(outcomes: ScenarioOutcome[], file: string): Promise<unknown>;
    writeSummary(outcomes: ScenarioOutcome[], file: string): Promise<unknown>;
  };
  // A scenario --bail never started is a skipped test case to a CI system.
  const all = [...outcomes, ...notRun.map((name) => notRunOutcome(name, flags.backend))];
  if (flags.junit) await report.writeJUnit(all, flags.junit);
  if (flags.summary) await report.writeSummary(all, flags.summary);
}

function brokenFileOutcome(name: string, file: string, error: string, backend: BackendName): ScenarioOutcome {
  const failure = `scenario file ${file} is broken: ${error}`;
  return { name, backend, seed: 0, expected: {}, observed: {}, ok: false, ops: 0, faults: 0, durationMs: 0, dir: '', replay: `npx chaoslab run ${file}`, results: [], error: failure };
}

function notRunOutcome(name: string, backend: BackendName): ScenarioOutcome {
  const skipped = 'not run: --bail stopped after a scenario not as expected';
  return { name, backend, seed: 0, expected: {}, observed: {}, ok: true, ops: 0, faults: 0, durationMs: 0, dir: '', replay: '', results: [], skipped };
}
