import type { GuaranteeRow } from '../outcome/index.ts';

/** Counterexamples listed in plain text (JUnit messages, Markdown): enough to start looking, not all of them. */
export const COUNTEREXAMPLES_IN_TEXT = 5;

/** Why a guarantee's verdict is not the expected one, with its smallest evidence, as lines of plain text. */
export function mismatchLines(g: GuaranteeRow): string[] {
  const lines = [`expected ${g.expected ?? '-'}, observed ${g.observed ?? 'nothing (checker did not run)'}`];
  if (g.result?.reason) lines.push(g.result.reason);
  if (g.observed === 'violated' && g.result) {
    const counterexamples = g.result.counterexamples;
    for (const c of counterexamples.slice(0, COUNTEREXAMPLES_IN_TEXT)) {
      const at = c.times.length ? ` at ${c.times.map((t) => `${t.toFixed(1)} ms`).join(', ')}` : '';
      const ops = c.ops.length ? ` (history ops ${c.ops.join(', ')})` : '';
      lines.push(`counterexample ${c.id}: ${c.what}${ops}${at}`);
    }
    if (counterexamples.length > COUNTEREXAMPLES_IN_TEXT) {
      lines.push(`... and ${counterexamples.length - COUNTEREXAMPLES_IN_TEXT} more counterexamples`);
    }
  }
  if (g.expected === 'violated' && g.observed !== 'violated') {
    lines.push('the expected violation did not happen: the faults may not have hit any operation at risk');
  }
  return lines;
}
