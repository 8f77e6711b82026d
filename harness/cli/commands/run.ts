import { existsSync } from 'node:fs';
import { join } from 'node:path';
import Table from 'cli-table3';
import { Option, type Command } from 'commander';
import { formatCounterexamples } from '../../checkers/table.ts';
import type { BackendName, ScenarioOutcome } from '../../run.ts';

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
  scenarios?: string;
}

/**
 * Scenarios run at once unless --parallel says otherwise. Much of a scenario is waiting (fault windows,
 * retransmission timers, restarts), so two local labs share two cores well; containers start slowly enough
 * under load that the docker backend runs one at a time.
 */
const DEFAULT_PARALLEL: Record<BackendName, number> = { process: 2, docker: 1 };

export function register(program: Command): void {
  program
    .command('run')
    .description('Run scenarios (all when none named) and compare each observed verdict with the expected one.')
    .argument('[scenario...]', "scenario names or name patterns ('lost-reply-*'; see `chaoslab list`), scenario files or folders")
    .option('--scenarios <dir>', "the project's scenario folder, run with the built-in catalogue (default: ./scenarios when there is one)")
    .addOption(new Option('--backend <name>', 'where nodes run').choices(['process', 'docker']).default('process'))
    .option('--seed <n>', 'replay: the same seed gives the same workload and fault schedule', parseSeed)
    .option('--json', 'print one JSON object {"scenarios": [...]} on stdout')
    .option('--toxiproxy-url <url>', 'use this Toxiproxy instead of the embedded proxy (standard toxics only)')
    .option('--runs-dir <dir>', 'where run folders are written', 'runs')
    .option('--junit <file>', 'also write a JUnit XML file (one test case per scenario and guarantee)')
    .option('--summary <file>', 'also write a Markdown summary')
    .option('--no-report', 'do not write report.html into each run folder (faster)')
    .option('--parallel <n>', 'scenarios run at once (default 2 on process, 1 on docker)', parseParallel)
    .action(async (names: string[], flags: RunFlags) => {
      // Loaded here, not at the top: every command file is imported for every command, `chaoslab node` included.
      const { displayPath, findScenarios } = await import('../../catalogue.ts');
      const { closeActiveLabs, runScenario } = await import('../../run.ts');
      const stopOnSignal = (signal: NodeJS.Signals) => {
        process.stderr.write(`\n${signal}: stopping every node and proxy...\n`);
        void closeActiveLabs().finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
      };
      process.once('SIGINT', stopOnSignal);
      process.once('SIGTERM', stopOnSignal);

      const sources = await findScenarios(names, { scenariosDir: flags.scenarios });
      // A broken scenario file is an outcome of its own (failed, naming the file and its error); the others run.
      const outcomes: ScenarioOutcome[] = new Array(sources.length);
      sources.forEach((source, i) => {
        if (source.error) outcomes[i] = brokenFileOutcome(source.name, displayPath(source.file), source.error, flags.backend);
      });
      const scenarios = sources.map((source) => source.scenario);
      let next = 0;
      const runner = async () => {
        for (let i = next++; i < scenarios.length; i = next++) {
          const scenario = scenarios[i];
          if (!scenario) continue;
          outcomes[i] = await runScenario(scenario, {
            backend: flags.backend,
            seed: flags.seed,
            toxiproxyUrl: flags.toxiproxyUrl ?? process.env.CHAOSLAB_TOXIPROXY_URL,
            runsDir: flags.runsDir,
            report: flags.report,
            onProgress: (line) => process.stderr.write(`[${i + 1}/${scenarios.length}] ${line}\n`),
          });
        }
      };
      // Outcomes keep the catalogue's order whichever finishes first; seeds do not depend on the order either.
      await Promise.all(Array.from({ length: flags.parallel ?? DEFAULT_PARALLEL[flags.backend] }, runner));
      await writeExtraReports(outcomes, flags);
      if (flags.json) {
        process.stdout.write(`${JSON.stringify({ scenarios: outcomes.map(jsonEntry) })}\n`);
      } else {
        process.stdout.write(`${formatOutcomes(outcomes)}\n`);
      }
      process.exitCode = outcomes.every((outcome) => outcome.ok) ? 0 : 1;
    });
}

function brokenFileOutcome(name: string, file: string, error: string, backend: BackendName): ScenarioOutcome {
  return {
    name,
    backend,
    seed: 0,
    expected: {},
    observed: {},
    ok: false,
    ops: 0,
    faults: 0,
    durationMs: 0,
    dir: '',
    replay: `npx chaoslab run ${file}`,
    results: [],
    error: `scenario file ${file} is broken: ${error}`,
  };
}

function parseParallel(value: string): number {
  const parallel = Number(value);
  if (!Number.isInteger(parallel) || parallel < 1) throw new Error(`--parallel must be a positive integer, got "${value}"`);
  return parallel;
}

function parseSeed(value: string): number {
  const seed = Number(value);
  if (!Number.isInteger(seed) || seed < 0) throw new Error(`--seed must be a non-negative integer, got "${value}"`);
  return seed;
}

/** The per-scenario fields of issue 6, without the full checker results (they are in each verdict.json). */
function jsonEntry(outcome: ScenarioOutcome) {
  const { results: _results, ...entry } = outcome;
  return entry;
}

function formatOutcomes(outcomes: ScenarioOutcome[]): string {
  const table = new Table({
    head: ['scenario', 'guarantee', 'expected', 'observed', 'match'],
    style: { head: [], border: [] },
  });
  const notes: string[] = [];
  for (const outcome of outcomes) {
    if (outcome.skipped) {
      table.push([outcome.name, { colSpan: 4, content: `skipped: ${outcome.skipped}` }]);
      continue;
    }
    if (outcome.error) {
      table.push([outcome.name, { colSpan: 4, content: `ERROR: ${outcome.error}` }]);
      notes.push(`${outcome.name}: run failed; replay: ${outcome.replay}; folder: ${outcome.dir}`);
      continue;
    }
    for (const [guarantee, expected] of Object.entries(outcome.expected)) {
      const observed = outcome.observed[guarantee] ?? '-';
      table.push([outcome.name, guarantee, expected, observed, observed === expected ? 'yes' : 'NO']);
    }
    if (!outcome.ok) {
      const mismatched = outcome.results.filter((result) => outcome.expected[result.checker] !== result.verdict);
      notes.push(
        [`${outcome.name} (seed ${outcome.seed}) not as expected; replay: ${outcome.replay}; folder: ${outcome.dir}`,
          ...mismatched.map((result) => `  ${result.checker}: ${result.reason}`),
          formatCounterexamples(mismatched)].filter(Boolean).join('\n'),
      );
    }
  }
  const reports = outcomes
    .map((outcome) => join(outcome.dir, 'report.html'))
    .filter((report) => existsSync(report))
    .map((report) => `report: ${report}`);
  const passed = outcomes.filter((outcome) => outcome.ok && !outcome.skipped).length;
  const skipped = outcomes.filter((outcome) => outcome.skipped).length;
  const failed = outcomes.length - passed - skipped;
  const seconds = outcomes.reduce((sum, outcome) => sum + outcome.durationMs, 0) / 1000;
  // The closing line reads like a test runner's, so CI systems that count "N passed, N failed" count scenarios.
  const summary = `${seconds.toFixed(1)} s of scenarios\nscenarios: ${passed} passed, ${failed} failed, ${skipped} skipped`;
  return [table.toString(), ...notes, ...reports, summary].join('\n');
}

/** JUnit and Markdown summaries are harness/report's; asked for, they must be written or the run fails. */
async function writeExtraReports(outcomes: ScenarioOutcome[], flags: RunFlags): Promise<void> {
  if (!flags.junit && !flags.summary) return;
  const report = (await import('../../report/index.ts')) as {
    writeJUnit(outcomes: ScenarioOutcome[], file: string): Promise<unknown>;
    writeSummary(outcomes: ScenarioOutcome[], file: string): Promise<unknown>;
  };
  if (flags.junit) await report.writeJUnit(outcomes, flags.junit);
  if (flags.summary) await report.writeSummary(outcomes, flags.summary);
}
