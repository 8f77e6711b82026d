import { InvalidArgumentError, type Command } from 'commander';
import { BUGS, SEMANTICS, type Bug } from '../../../nodes/semantics/settings.ts';
import { exploreBackends, settingProblem, type ExploreBackend } from '../../explore/backend.ts';
import { faultPresets, isFaultPresetName } from '../../explore/presets.ts';
import type { SearchProgress } from '../../explore/search.ts';
import { exitCodes } from '../exit-codes.ts';
import { UsageError } from '../usage-error.ts';
import { stopLabsOnSignals } from '../signals.ts';
import { MAX_SEED, parseSeed, wholeNumber } from '../flags.ts';

interface ExploreFlags {
  semantics: string;
  bug?: Bug;
  faults: string;
  runs?: number;
  time?: number;
  shrinkTime?: number;
  parallel: number;
  seed?: number;
  json?: boolean;
  runsDir: string;
  maxOps: number;
  backend?: ExploreBackend;
  nodeCommand?: string;
}

/** `90s`, `5m`, `1h` or plain milliseconds. */
export function parseDuration(value: string): number {
  const match = /^([0-9]+)(ms|s|m|h)?$/.exec(value);
  if (!match) throw new InvalidArgumentError('--time takes a duration such as 90s, 5m or 1h.');
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[match[2] ?? 'ms']!;
  return Number(match[1]) * unit;
}

function oneOf<T extends string>(flag: string, values: readonly T[]): (value: string) => T {
  return (value) => {
    if (!(values as readonly string[]).includes(value)) throw new InvalidArgumentError(`${flag} takes one of ${values.join(', ')}.`);
    return value as T;
  };
}

function progressLine(p: SearchProgress): string {
  return (
    `explore ${p.phase}: ${p.runs} runs (${p.runsPerMinute.toFixed(1)}/min), ${p.faultsTried} faults tried, ` +
    `${p.violations} violations${p.errors > 0 ? `, ${p.errors} runs failed (last: ${p.lastError})` : ''}${p.shrinkSteps > 0 ? `, ${p.shrinkSteps} shrink steps` : ''}, ${(p.elapsedMs / 1000).toFixed(0)} s`
  );
}

export function register(program: Command): void {
  program
    .command('explore')
    .description('search for a fault schedule that breaks a promise of a delivery setting, shrink it, write it as a scenario')
    .requiredOption('--semantics <setting>', `the nodes' delivery setting (${SEMANTICS.join(', ')})`, oneOf('--semantics', SEMANTICS))
    .option('--bug <variant>', `a bug-zoo variant on every node (${BUGS.join(', ')})`, oneOf('--bug', BUGS))
    .option('--faults <preset>', `fault density (${Object.keys(faultPresets).join(', ')})`, oneOf('--faults', Object.keys(faultPresets)), 'default')
    .option('--runs <n>', 'stop after n schedules', wholeNumber('--runs', 1, 1_000_000))
    .option('--time <duration>', 'stop searching after this long (90s, 5m, 1h; default 5m without --runs); shrinking comes on top', parseDuration)
    .option('--shrink-time <duration>', 'longest shrinking may take (default 2m)', parseDuration)
    .option('--parallel <n>', 'schedules run at once', wholeNumber('--parallel', 1, 16), 2)
    .option('--seed <n>', `replay a search: the same seed draws the same schedules (0 to ${MAX_SEED})`, parseSeed)
    .option('--max-ops <n>', 'most operations in one schedule', wholeNumber('--max-ops', 10, 100_000), 200)
    .option('--node-command <command>', 'explore your node instead of chaoslab\'s: an executable speaking docs/PROTOCOL.md, split at spaces (e.g. "python3 node.py"); its trials run appends on real processes')
    .option('--backend <backend>', `where trials run (${exploreBackends.join(', ')}; default sim, process with --node-command): the simulator on virtual time, or real node processes`, oneOf('--backend', exploreBackends))
    .option('--json', 'print one JSON object on stdout')
    .option('--runs-dir <dir>', 'where run folders are written', 'runs')
    .action(async (flags: ExploreFlags) => {
      if (flags.runs === undefined && flags.time === undefined) flags.time = parseDuration('5m');
      if (!isFaultPresetName(flags.faults)) throw new InvalidArgumentError('--faults');
      const command = flags.nodeCommand?.split(/\s+/).filter(Boolean);
      const problem = settingProblem({ ...(command ? { command } : {}), ...(flags.bug ? { bug: flags.bug } : {}), ...(flags.backend ? { backend: flags.backend } : {}) });
      if (problem) throw new UsageError(`--node-command: ${problem}`);
      const { explore } = await import('../../explore/explore.ts');
      // Every trial runs a lab: a stopped search stops them too, as `run` does.
      stopLabsOnSignals((await import('../../run.ts')).closeActiveLabs);
      let lastPhase = '';
      let lastLineAt = 0;
      const result = await explore({
        semantics: flags.semantics as (typeof SEMANTICS)[number],
        ...(flags.bug ? { bug: flags.bug } : {}),
        faults: flags.faults,
        ...(flags.runs !== undefined ? { runs: flags.runs } : {}),
        ...(flags.time !== undefined ? { timeMs: flags.time } : {}),
        ...(flags.shrinkTime !== undefined ? { shrinkMs: flags.shrinkTime } : {}),
        parallel: flags.parallel,
        ...(flags.seed !== undefined ? { seed: flags.seed } : {}),
        maxOps: flags.maxOps,
        ...(flags.backend ? { backend: flags.backend } : {}),
        ...(command ? { command } : {}),
        runsDir: flags.runsDir,
        onProgress: (progress) => {
          // A line per phase change, and at most one every two seconds besides.
          const now = performance.now();
          if (progress.phase === lastPhase && now - lastLineAt < 2000) return;
          lastPhase = progress.phase;
          lastLineAt = now;
          process.stderr.write(`${progressLine(progress)}\n`);
        },
      });
      if (flags.json) {
        const { found, violated, reasons, runs, seed, scenarioFile, windows, ops, durationMs } = result;
        process.stdout.write(`${JSON.stringify({ found, violated, ...(reasons ? { reasons } : {}), runs, seed, scenarioFile: scenarioFile ?? null, windows, ops, durationMs })}\n`);
      } else if (result.found) {
        process.stdout.write(
          [
            `violated: ${result.violated.join(', ')} (seed ${result.seed}, ${result.runs} runs, ${(result.durationMs / 1000).toFixed(0)} s)`,
            `shrunk: ${result.windows.before} -> ${result.windows.after} fault windows, ${result.ops.before} -> ${result.ops.after} ops`,
            `scenario: ${result.scenarioFile}`,
            `minimal run: ${result.runDir}`,
            `replay: ${result.replay}`,
            '',
          ].join('\n'),
        );
      } else {
        process.stdout.write(`no violation in ${result.runs} runs (seed ${result.seed}, ${(result.durationMs / 1000).toFixed(0)} s)\n`);
      }
      process.exitCode = result.found ? exitCodes.notAsExpected.code : exitCodes.asExpected.code;
    });
}
