import { describe, expect, it } from 'vitest';
import { checkRun, checkerNames, checkers, formatCounterexamples, formatVerdictTable } from '../../harness/checkers/index.ts';
import { compareWithExpected } from '../../harness/outcome/index.ts';
import { HistoryBuilder } from './histories.ts';

describe('checkRun', () => {
  it('has one checker per guarantee name, each answering under its own name', () => {
    const h = new HistoryBuilder().op('a', 'ok').execute('a');
    expect(Object.keys(checkers).sort()).toEqual([...checkerNames].sort());
    const results = checkRun(h.input(), checkerNames);
    expect(results.map((result) => result.checker)).toEqual([...checkerNames]);
  });

  it('rejects an unknown guarantee by name', () => {
    expect(() => checkRun(new HistoryBuilder().input(), ['at-most-once', 'twice-exactly'])).toThrow(/unknown guarantee 'twice-exactly'/);
  });

  it('sees a history that grew between two checks', () => {
    const h = new HistoryBuilder().op('a', 'ok').execute('a');
    expect(checkRun(h.input(), ['at-least-once'])[0]!.verdict).toBe('holds');
    h.op('b', 'ok');
    expect(checkRun(h.input(), ['at-least-once'])[0]!.verdict).toBe('violated');
  });
});

describe('compareWithExpected', () => {
  const h = new HistoryBuilder().op('a', 'ok').execute('a').execute('a');
  const results = checkRun(h.input(), ['at-most-once', 'at-least-once']);

  it('is ok when every expectation is met, violations included', () => {
    const outcome = compareWithExpected(results, { 'at-most-once': 'violated', 'at-least-once': 'holds' });
    expect(outcome.ok).toBe(true);
    expect(outcome.observed).toEqual({ 'at-most-once': 'violated', 'at-least-once': 'holds' });
  });

  it('is not ok when an observed verdict differs or an expectation has no result', () => {
    expect(compareWithExpected(results, { 'at-most-once': 'holds' }).ok).toBe(false);
    expect(compareWithExpected(results, { integrity: 'holds' }).ok).toBe(false);
  });

  it('with no expectations, is ok only when nothing is violated', () => {
    expect(compareWithExpected(results).ok).toBe(false);
    expect(compareWithExpected(results.slice(1)).ok).toBe(true);
  });

  it('renders a table and the counterexamples as plain text', () => {
    const outcome = compareWithExpected(results, { 'at-most-once': 'holds' });
    const table = formatVerdictTable(outcome.rows);
    expect(table).toMatch(/at-most-once/);
    expect(table).toMatch(/NO/);
    expect(table).not.toMatch(/\u001b\[/);
    expect(formatCounterexamples(results)).toMatch(/a executed 2 times/);
  });
});
