import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { Result } from '../../harness/checkers/index.ts';
import { formatRunSummary } from '../../harness/cli/output/outcomes.ts';
import { progressView } from '../../harness/cli/output/progress.ts';
import { styleFor } from '../../harness/cli/output/style.ts';
import type { ScenarioOutcome } from '../../harness/outcome/index.ts';

const piped = styleFor({ isTTY: false }, {});
const terminal = styleFor({ isTTY: true, columns: 160 }, { TERM: 'xterm' });

function outcome(name: string, results: Result[], expected: ScenarioOutcome['expected'], durationMs = 20_000): ScenarioOutcome {
  const observed = Object.fromEntries(results.map((result) => [result.checker, result.verdict]));
  const ok = Object.entries(expected).every(([guarantee, verdict]) => observed[guarantee] === verdict);
  return {
    name, backend: 'process', seed: 9, expected, observed, ok, ops: 10, faults: 1, durationMs,
    dir: `/nonexistent/${name}`, replay: `npx chaoslab run ${name} --seed 9`, results,
  };
}

const duplicate = (id: string) => ({ id, ops: [1, 2], times: [1, 2], what: `${id} executed 2 times` });
const bugZoo = outcome('lost-reply-no-reply-cache', [
  { checker: 'at-most-once', verdict: 'violated', reason: '2 ids executed more than once', counterexamples: [duplicate('op-4'), duplicate('op-9')] },
  { checker: 'availability', verdict: 'holds', reason: 'figures', counterexamples: [] },
], { 'at-most-once': 'violated' });
const broken = outcome('lost-reply-exactly-once', [
  { checker: 'at-most-once', verdict: 'violated', reason: '1 id executed more than once', counterexamples: [duplicate('op-7')] },
  { checker: 'at-least-once', verdict: 'holds', reason: 'every acknowledged op executed', counterexamples: [] },
], { 'at-most-once': 'holds', 'at-least-once': 'holds' });

describe('the run summary', () => {
  const text = formatRunSummary({ outcomes: [bugZoo, broken], notRun: [], wallMs: 21_000, parallel: 2 }, piped);

  it('gives every verdict its reason', () => {
    expect(text).toMatch(/│ lost-reply-exactly-once\s+│ at-least-once\s+│ holds\s+│ holds\s+│ yes\s+│ every acknowledged op executed\s+│/);
    expect(text).toMatch(/│ lost-reply-exactly-once\s+│ at-most-once\s+│ holds\s+│ violated\s+│ NO\s+│ 1 id executed more than once\s+│/);
  });

  it('gives every violation one line, expected or not, with the id that broke it', () => {
    const lines = text.split('\n').filter((line) => line.includes(' violated, '));
    expect(lines).toEqual([
      'lost-reply-no-reply-cache: at-most-once violated, as expected, for op-4 (and 1 more): op-4 executed 2 times',
      'lost-reply-exactly-once: at-most-once violated, NOT as expected, for op-7: op-7 executed 2 times',
    ]);
  });

  it('gives the wall-clock time, not the sum of the scenarios', () => {
    expect(text).toMatch(/^time: 21\.0 s \(scenarios 40\.0 s in all, 2 at a time\)$/m);
    expect(text).toMatch(/^scenarios: 1 passed, 1 failed, 0 skipped$/m);
  });

  it('is plain text piped, coloured with ✓ and ✗ on a terminal', () => {
    expect(text).not.toContain('\x1b');
    const coloured = formatRunSummary({ outcomes: [bugZoo, broken], notRun: [], wallMs: 21_000, parallel: 2 }, terminal);
    expect(coloured).toMatch(/\x1b\[3\dm✓\x1b\[39m/);
    expect(coloured).toMatch(/\x1b\[31m✗\x1b\[39m/);
  });
});

interface FakeStream extends PassThrough {
  isTTY?: boolean;
  columns?: number;
  rows?: number;
}

function fakeStream(tty: { columns: number; rows: number } | undefined): { stream: FakeStream; text: () => string } {
  const stream: FakeStream = Object.assign(new PassThrough(), tty ? { isTTY: true, ...tty } : {});
  let text = '';
  stream.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
  return { stream, text: () => text };
}

describe('progress', () => {
  it('piped: one plain line per event, prefixed with the run counter', () => {
    const { stream, text } = fakeStream(undefined);
    const view = progressView(2, stream, {});
    view.progress(0, 'a +0.0s: starting');
    view.progress(1, 'b +0.0s: starting');
    view.progress(0, 'a +1.0s: as expected (1000 ms)');
    view.finished(0, { ...bugZoo, name: 'a' });
    view.close();
    expect(text()).toBe('[1/2] a +0.0s: starting\n[2/2] b +0.0s: starting\n[1/2] a +1.0s: as expected (1000 ms)\n');
  });

  it('on a terminal: a region of one line per running scenario, redrawn in place, and a ✓ line per finished one', () => {
    const { stream, text } = fakeStream({ columns: 80, rows: 24 });
    const view = progressView(2, stream, { NO_COLOR: '1', TERM: 'xterm' });
    view.progress(0, 'a +0.0s: starting');
    view.progress(1, 'b +0.0s: starting');
    view.progress(0, 'a +0.5s: healing and draining');
    view.finished(0, { ...bugZoo, name: 'a' });
    view.close();
    const output = text();
    expect(output).toContain('[1/2] a +0.0s: starting\n0 of 2 done, 1 running');
    expect(output).toContain('[1/2] a +0.5s: healing and draining\n[2/2] b +0.0s: starting\n0 of 2 done, 2 running');
    expect(output).toContain('\x1b[2K'); // lines erased to be redrawn
    expect(output).toContain('✓ a 20.0 s\n');
    expect(output).toContain('[2/2] b +0.0s: starting\n1 of 2 done, 1 running');
  });

  it('a terminal without a size gets event lines: a live region would draw nothing there', () => {
    const { stream, text } = fakeStream({ columns: 0, rows: 0 });
    progressView(1, stream, { TERM: 'xterm', NO_COLOR: '1' }).progress(0, 'a +0.0s: starting');
    expect(text()).toBe('[1/1] a +0.0s: starting\n');
  });
});
