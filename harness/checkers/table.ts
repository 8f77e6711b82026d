import Table from 'cli-table3';
import type { CheckedRow } from '../outcome/expectations.ts';
import { plural, type Result } from './result.ts';

/** Text shared by `chaoslab check` and `chaoslab run`: plain characters, no colour codes, so logs stay readable. */

export function formatVerdictTable(rows: readonly CheckedRow[]): string {
  const table = new Table({
    head: ['guarantee', 'expected', 'observed', 'match', 'reason'],
    style: { head: [], border: [] },
    colWidths: [19, 10, 10, 7, 56],
    wordWrap: true,
  });
  for (const row of rows) {
    table.push([row.guarantee, row.expected ?? '-', row.observed, row.matches ? 'yes' : 'NO', row.result.reason]);
  }
  return table.toString();
}

/** The first few counterexamples of each violated result: the smallest story of what went wrong. */
export function formatCounterexamples(results: readonly Result[], perChecker = 3): string {
  const lines: string[] = [];
  for (const result of results) {
    if (result.counterexamples.length === 0) continue;
    lines.push(`${result.checker}: ${plural(result.counterexamples.length, 'counterexample')}`);
    for (const example of result.counterexamples.slice(0, perChecker)) {
      const ops = example.ops.length > 0 ? ` [ops ${example.ops.join(', ')}]` : '';
      lines.push(`  - ${example.what}${ops}`);
    }
    const rest = result.counterexamples.length - perChecker;
    if (rest > 0) lines.push(`  ... and ${rest} more`);
  }
  return lines.join('\n');
}

export function formatAvailability(stats: Record<string, number> | undefined): string {
  if (!stats) return '';
  return (
    `ops ${stats.ops}: ok ${stats.ok}, fail ${stats.fail}, info ${stats.info}; ` +
    `ok latency p50 ${stats.latencyP50} ms, p90 ${stats.latencyP90} ms, p99 ${stats.latencyP99} ms, ` +
    `max ${stats.latencyMax} ms; ${stats.throughputOkPerSecond} ok/s`
  );
}
