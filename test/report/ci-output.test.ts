import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { renderSummary, writeJUnit, writeSummary } from '../../harness/report/index.ts';
import type { OutcomeSummary } from '../../harness/outcome/index.ts';

const dir = mkdtempSync(join(tmpdir(), 'chaoslab-ci-output-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const asExpected: OutcomeSummary = {
  name: 'lost-reply-exactly-once',
  backend: 'process',
  seed: 11,
  expected: { 'at-most-once': 'holds', 'exactly-once': 'holds' },
  observed: { 'at-most-once': 'holds', 'exactly-once': 'holds', availability: 'holds' },
  ok: true,
  ops: 200,
  faults: 1,
  durationMs: 2345,
  dir: '/runs/a',
};

const regression: OutcomeSummary = {
  name: 'receiver-crash-exactly-once',
  backend: 'docker',
  seed: 42,
  expected: { 'at-most-once': 'holds', 'at-least-once': 'holds' },
  observed: { 'at-most-once': 'violated', 'at-least-once': 'holds' },
  ok: false,
  ops: 300,
  faults: 2,
  durationMs: 4000,
  dir: '/runs/b',
  results: [
    {
      checker: 'at-most-once',
      verdict: 'violated',
      reason: '1 id executed more than once <twice> & more',
      counterexamples: [{ id: 'op-17', ops: [34, 40], times: [120.25, 130.5], what: 'op-17 executed twice under message "n1#18"' }],
    },
    { checker: 'at-least-once', verdict: 'holds', reason: 'every ok op executed', counterexamples: [] },
  ],
};

const skipped: OutcomeSummary = {
  name: 'corrupt-message-exactly-once',
  backend: 'process',
  seed: 3,
  expected: { integrity: 'holds' },
  observed: {},
  ok: true,
  skipped: 'needs frame toxics, which only chaoslab\'s own proxy has',
};

const broken: OutcomeSummary = {
  name: 'baseline-at-most-once',
  backend: 'process',
  seed: 5,
  expected: { 'at-most-once': 'holds' },
  observed: {},
  ok: false,
  error: 'lab did not start: node n2 exited 2',
};

const all = [asExpected, regression, skipped, broken];

describe('JUnit XML', () => {
  it('has one test case per scenario and expected guarantee, with totals that add up', async () => {
    const xml = readFileSync(await writeJUnit(all, join(dir, 'out', 'junit.xml')), 'utf8');
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="chaoslab" tests="6" failures="1" errors="1" skipped="1"')).toBe(true);
    expect(xml.match(/<testsuite /g)).toHaveLength(4);
    expect(xml.match(/<testcase /g)).toHaveLength(6);
    expect(xml).toContain('<testcase classname="chaoslab.lost-reply-exactly-once" name="at-most-once" time="0"></testcase>');
    expect(xml).not.toContain('name="availability"');
  });

  it('reports a mismatch as a failure carrying the counterexamples, seed, replay command and report path', async () => {
    const xml = readFileSync(await writeJUnit([regression], join(dir, 'regression.xml')), 'utf8');
    const failure = xml.match(/<failure message="([^"]*)" type="VerdictMismatch">([^<]*)<\/failure>/)!;
    expect(failure[1]).toBe(
      'expected holds, observed violated; 1 id executed more than once &lt;twice&gt; &amp; more; counterexample op-17: op-17 executed twice under message &quot;n1#18&quot; (history ops 34, 40) at 120.3 ms, 130.5 ms',
    );
    expect(failure[2]).toContain('1 id executed more than once &lt;twice&gt; &amp; more');
    expect(failure[2]).toContain('counterexample op-17: op-17 executed twice under message &quot;n1#18&quot; (history ops 34, 40) at 120.3 ms, 130.5 ms');
    expect(failure[2]).toContain('seed: 42');
    expect(failure[2]).toContain('replay: npx chaoslab run receiver-crash-exactly-once --backend docker --seed 42');
    expect(failure[2]).toContain('report: /runs/b/report.html');
    expect(xml).toContain('<property name="seed" value="42"/>');
  });

  it('marks a skipped scenario skipped and a run without verdicts as an error', async () => {
    const xml = readFileSync(await writeJUnit([skipped, broken], join(dir, 'other.xml')), 'utf8');
    expect(xml).toContain('<skipped message="needs frame toxics, which only chaoslab&apos;s own proxy has"/>');
    expect(xml).toMatch(/<testcase classname="chaoslab.baseline-at-most-once" name="run" time="0">\s*<error message="lab did not start: node n2 exited 2" type="RunError">/);
  });

  it('drops characters XML cannot carry', async () => {
    const odd = { ...regression, name: 'bell\u0007scenario', results: [] };
    const xml = readFileSync(await writeJUnit([odd], join(dir, 'odd.xml')), 'utf8');
    expect(xml).toContain('name="bellscenario"');
    expect(xml).not.toContain('\u0007');
  });
});

describe('Markdown summary', () => {
  it('has a headline, one row per scenario, and details for each scenario not as expected', async () => {
    const markdown = readFileSync(await writeSummary(all, join(dir, 'summary.md')), 'utf8');
    const lines = markdown.split('\n');
    expect(lines[0]).toBe('## ❌ chaoslab: 1 of 3 scenarios as expected, 1 skipped');
    expect(lines.filter((l) => l.startsWith('| ✅ |') || l.startsWith('| ❌ |') || l.startsWith('| ⏭️ |'))).toHaveLength(4);
    expect(markdown).toContain('| ❌ | receiver-crash-exactly-once | docker | 42 | **at-most-once: holds → violated**<br>at-least-once: holds → holds | 300 | 2 | 4.0 s |');
    expect(markdown).toContain("| ⏭️ | corrupt-message-exactly-once | process | 3 | skipped: needs frame toxics, which only chaoslab's own proxy has |");
    expect(markdown).toContain('### ❌ receiver-crash-exactly-once');
    expect(markdown).toContain('  - counterexample op-17: op-17 executed twice');
    expect(markdown).toContain('```sh\nnpx chaoslab run receiver-crash-exactly-once --backend docker --seed 42\n```');
    expect(markdown).toContain('Report: `/runs/b/report.html`');
    expect(markdown).toContain('- run error: lab did not start: node n2 exited 2');
  });

  it('says all is well when it is', async () => {
    expect((await renderSummary([asExpected])).split('\n')[0]).toBe('## ✅ chaoslab: 1 of 1 scenarios as expected');
  });
});
