import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { mismatchLines } from './counterexample-text.ts';
import { detailsOf, guaranteesOf, type OutcomeSummary } from '../outcome/index.ts';

/**
 * A Markdown summary for a CI job page (e.g. appended to $GITHUB_STEP_SUMMARY): one table row per scenario, then
 * for each scenario not as expected its mismatches, counterexamples, replay command and report path.
 */
export async function writeSummary(scenarios: OutcomeSummary[], file: string): Promise<string> {
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, await renderSummary(scenarios));
  return file;
}

export async function renderSummary(scenarios: OutcomeSummary[]): Promise<string> {
  const skipped = scenarios.filter((s) => s.skipped !== undefined);
  const ran = scenarios.filter((s) => s.skipped === undefined);
  const failed = ran.filter((s) => !s.ok);
  const headline = failed.length === 0 ? '✅' : '❌';
  const lines = [
    `## ${headline} chaoslab: ${ran.length - failed.length} of ${ran.length} scenarios as expected` +
      (skipped.length ? `, ${skipped.length} skipped` : ''),
    '',
    '| | scenario | backend | seed | guarantees (expected → observed) | ops | faults | time |',
    '|---|---|---|---|---|--:|--:|--:|',
  ];
  const details: string[] = [];
  for (const scenario of scenarios) {
    const { results, replay } = await detailsOf(scenario);
    const guarantees = guaranteesOf(scenario, results);
    const status = scenario.skipped !== undefined ? '⏭️' : scenario.ok ? '✅' : '❌';
    const verdicts =
      scenario.skipped !== undefined
        ? `skipped: ${scenario.skipped}`
        : guarantees.map((g) => `${g.matches ? '' : '**'}${g.guarantee}: ${g.expected ?? '-'} → ${g.observed ?? '-'}${g.matches ? '' : '**'}`).join('<br>');
    lines.push(
      `| ${status} | ${cell(scenario.name)} | ${cell(scenario.backend)} | ${cell(String(scenario.seed ?? ''))} | ${cell(verdicts)} | ${scenario.ops ?? ''} | ${scenario.faults ?? ''} | ${scenario.durationMs !== undefined ? `${(scenario.durationMs / 1000).toFixed(1)} s` : ''} |`,
    );
    if (scenario.skipped !== undefined || scenario.ok) continue;
    details.push(`### ❌ ${scenario.name}`, '');
    if (scenario.error) details.push(`- run error: ${scenario.error}`);
    for (const g of guarantees.filter((g) => !g.matches)) {
      const [first, ...rest] = mismatchLines(g);
      details.push(`- **${g.guarantee}**: ${first}`, ...rest.map((line) => `  - ${line}`));
    }
    details.push('', 'Replay:', '', '```sh', replay, '```', '');
    if (scenario.dir) details.push(`Report: \`${scenario.dir}/report.html\``, '');
  }
  return [...lines, '', ...details].join('\n').trimEnd() + '\n';
}

/** A table cell cannot hold a pipe or a line break. */
function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}
