import { existsSync } from 'node:fs';
import { join } from 'node:path';
import Table from 'cli-table3';
import { formatCounterexamples } from '../../checkers/table.ts';
import type { Result } from '../../checkers/index.ts';
import { verdictMatches, type ScenarioOutcome } from '../../outcome/index.ts';
import type { Style } from './style.ts';

/** What a whole `chaoslab run` produced: the runs in plan order, and the names of those --bail never started. */
export interface RunSummary {
  outcomes: ScenarioOutcome[];
  notRun: string[];
  wallMs: number;
  parallel: number;
}

/** Reason column width when piped; on a terminal it takes what the other columns leave. */
const PIPED_REASON_WIDTH = 60;

/** The run table with each verdict's reason, one line per violation, what to replay, and the closing counts. */
export function formatRunSummary(summary: RunSummary, style: Style): string {
  const { outcomes, notRun } = summary;
  const { colour } = style;
  const widest = (head: string, cells: string[]) => Math.max(head.length, ...cells.map((cell) => cell.length));
  const names = widest('scenario', outcomes.map((outcome) => outcome.name));
  const guarantees = widest('guarantee', outcomes.flatMap((outcome) => Object.keys(outcome.expected)));
  // Verdicts ('violated') and 'match' are at most 8 wide; each column adds 2 of padding and 1 of border, plus 1.
  const others = names + guarantees + 8 + 8 + 5 + 6 * 3 + 1;
  const reasonWidth = style.columns ? Math.max(24, Math.min(100, style.columns - others - 2)) : PIPED_REASON_WIDTH;
  const table = new Table({
    head: ['scenario', 'guarantee', 'expected', 'observed', 'match', 'reason'].map((head) => colour.bold(head)),
    style: { head: [], border: [] },
    colWidths: [null, null, null, null, null, reasonWidth],
    wordWrap: true,
  });
  const notes: string[] = [];
  for (const outcome of outcomes) {
    if (outcome.skipped) {
      table.push([outcome.name, { colSpan: 5, content: colour.yellow(`skipped: ${outcome.skipped}`) }]);
      continue;
    }
    if (outcome.error) {
      table.push([outcome.name, { colSpan: 5, content: colour.red(`ERROR: ${outcome.error}`) }]);
      notes.push(`${outcome.name}: run failed; replay: ${outcome.replay}; folder: ${outcome.dir}`);
      continue;
    }
    for (const [guarantee, expected] of Object.entries(outcome.expected)) {
      const observed = outcome.observed[guarantee] ?? '-';
      const matches = verdictMatches(expected, outcome.observed[guarantee], true);
      const reason = outcome.results.find((result) => result.checker === guarantee)?.reason ?? '';
      table.push([
        outcome.name,
        guarantee,
        expected,
        matches ? observed : colour.red(observed),
        matches ? style.pass : style.fail,
        reason,
      ]);
    }
    if (!outcome.ok) {
      const mismatched = outcome.results.filter((result) => outcome.expected[result.checker] !== result.verdict);
      notes.push(
        [`${colour.red(`${outcome.name} (seed ${outcome.seed}) not as expected`)}; replay: ${outcome.replay}; folder: ${outcome.dir}`,
          ...mismatched.map((result) => `  ${result.checker}: ${result.reason}`),
          formatCounterexamples(mismatched)].filter(Boolean).join('\n'),
      );
    }
  }
  const violations = outcomes.flatMap((outcome) => violationLines(outcome, style));
  const reports = outcomes
    .map((outcome) => join(outcome.dir, 'report.html'))
    .filter((report) => existsSync(report))
    .map((report) => `report: ${report}`);
  if (notRun.length > 0) notes.push(colour.yellow(`not run (--bail, after the first scenario not as expected): ${notRun.join(', ')}`));
  return [table.toString(), ...violations, ...notes, ...reports, ...closingLines(summary, style)].join('\n');
}

/**
 * One line per violated guarantee, expected or not: which guarantee, in which scenario, and the first id that broke
 * it. An expected violation is the bug zoo doing its job; saying which id makes it checkable by hand.
 */
function violationLines(outcome: ScenarioOutcome, style: Style): string[] {
  const { colour } = style;
  return outcome.results
    .filter((result): result is Result => result.verdict === 'violated' && result.checker in outcome.expected)
    .map((result) => {
      const expected = outcome.expected[result.checker] === 'violated';
      const first = result.counterexamples[0];
      const more = result.counterexamples.length - 1;
      const which = first ? ` for ${first.id}${more > 0 ? ` (and ${more} more)` : ''}: ${first.what}` : `: ${result.reason}`;
      const mark = expected ? colour.yellow('violated, as expected,') : colour.red('violated, NOT as expected,');
      // A mark leads the line on a terminal only: piped, the line starts with the scenario's name, for grep.
      const lead = style.terminal ? `${expected ? colour.yellow('•') : style.fail} ` : '';
      return `${lead}${outcome.name}: ${result.checker} ${mark}${which}`;
    });
}

function closingLines({ outcomes, notRun, wallMs, parallel }: RunSummary, style: Style): string[] {
  const { colour } = style;
  const passed = outcomes.filter((outcome) => outcome.ok && !outcome.skipped).length;
  const skipped = outcomes.filter((outcome) => outcome.skipped).length;
  const failed = outcomes.length - passed - skipped;
  const scenarioMs = outcomes.reduce((sum, outcome) => sum + outcome.durationMs, 0);
  const time = `${(wallMs / 1000).toFixed(1)} s (scenarios ${(scenarioMs / 1000).toFixed(1)} s in all, ${parallel} at a time)`;
  // The closing line reads like a test runner's, so CI systems that count "N passed, N failed" count scenarios.
  const counts = [
    colour.green(`${passed} passed`),
    failed > 0 ? colour.red(`${failed} failed`) : `${failed} failed`,
    `${skipped} skipped`,
    ...(notRun.length > 0 ? [colour.yellow(`${notRun.length} not run`)] : []),
  ];
  return [`time: ${time}`, `scenarios: ${counts.join(', ')}`];
}
