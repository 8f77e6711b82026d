import type { Command } from 'commander';
import { recheckRunFolder, type Recheck } from '../../checkers/recheck.ts';
import { formatAvailability, formatCounterexamples, formatVerdictTable } from '../../checkers/table.ts';

function render(recheck: Recheck): string {
  const { stored, judgement } = recheck;
  const about = stored?.scenario ? ` (scenario ${stored.scenario}${stored.seed !== undefined ? `, seed ${stored.seed}` : ''})` : '';
  const lines = [`run ${recheck.dir}${about}${recheck.healed ? '' : ', faults not healed'}`, formatVerdictTable(judgement.rows)];
  const counterexamples = formatCounterexamples(recheck.results);
  if (counterexamples) lines.push(counterexamples);
  lines.push(formatAvailability(recheck.availability.stats));
  if (!judgement.ok && stored?.replay) lines.push(`replay: ${stored.replay}`);
  const expectsSomething = stored?.expected && Object.keys(stored.expected).length > 0;
  lines.push(
    judgement.ok
      ? expectsSomething ? 'ok: every verdict as expected' : 'ok: nothing violated (no expectations stored)'
      : expectsSomething ? 'MISMATCH: observed verdicts differ from expected' : 'VIOLATED: a guarantee does not hold',
  );
  return lines.join('\n');
}

export function register(program: Command): void {
  program
    .command('check')
    .description('re-check a stored run folder offline; exits 0 iff the verdicts match its expectations')
    .argument('<dir>', 'run folder (runs/<time>-<scenario>/)')
    .option('--json', 'print one JSON object instead of the table')
    .action(async (dir: string, options: { json?: boolean }) => {
      let recheck: Recheck;
      try {
        recheck = await recheckRunFolder(dir);
      } catch (error) {
        console.error(`chaoslab check: ${(error as Error).message}`);
        process.exitCode = 2;
        return;
      }
      if (options.json) {
        const { stored, judgement } = recheck;
        console.log(
          JSON.stringify({
            dir,
            scenario: stored?.scenario,
            seed: stored?.seed,
            healed: recheck.healed,
            expected: stored?.expected ?? {},
            observed: judgement.observed,
            ok: judgement.ok,
            results: recheck.results,
            availability: recheck.availability.stats ?? {},
            replay: stored?.replay,
          }),
        );
      } else {
        console.log(render(recheck));
      }
      process.exitCode = recheck.judgement.ok ? 0 : 1;
    });
}
