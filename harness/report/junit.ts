import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { mismatchLines } from './counterexample-text.ts';
import { detailsOf, guaranteesOf, type OutcomeSummary } from '../outcome/index.ts';

/**
 * JUnit XML for CI: one test suite per scenario, one test case per guarantee. A verdict other than the expected
 * one is a failure whose message carries the counterexamples and the replay command; a skipped scenario is
 * skipped; a run that produced no verdicts is an error.
 */
export async function writeJUnit(scenarios: OutcomeSummary[], file: string): Promise<string> {
  const suites: string[] = [];
  const totals = { tests: 0, failures: 0, errors: 0, skipped: 0, time: 0 };
  for (const scenario of scenarios) {
    const { results, replay } = await detailsOf(scenario);
    const seconds = (scenario.durationMs ?? 0) / 1000;
    const classname = `chaoslab.${scenario.name}`;
    const cases: string[] = [];
    const counts = { failures: 0, errors: 0, skipped: 0 };
    const guarantees = guaranteesOf(scenario, results);
    if (scenario.skipped !== undefined) {
      for (const name of guarantees.length ? guarantees.map((g) => g.guarantee) : ['run']) {
        cases.push(testCase(classname, name, `<skipped message="${xml(scenario.skipped)}"/>`));
        counts.skipped++;
      }
    } else if (scenario.error !== undefined || (guarantees.length > 0 && guarantees.every((g) => g.observed === undefined))) {
      const message = scenario.error ?? 'the run produced no verdicts';
      cases.push(testCase(classname, 'run', `<error message="${xml(message)}" type="RunError">${xml(`${message}\nreplay: ${replay}`)}</error>`));
      counts.errors++;
    } else {
      for (const g of guarantees) {
        if (g.matches) {
          cases.push(testCase(classname, g.guarantee, ''));
          continue;
        }
        const lines = mismatchLines(g);
        const body = [...lines, `seed: ${scenario.seed ?? '?'}`, `replay: ${replay}`, ...(scenario.dir ? [`report: ${scenario.dir}/report.html`] : [])];
        // CI pages often show only the message attribute: it carries the verdicts, the reason and the first counterexample.
        const message = lines.slice(0, 3).join('; ');
        cases.push(testCase(classname, g.guarantee, `<failure message="${xml(message)}" type="VerdictMismatch">${xml(body.join('\n'))}</failure>`));
        counts.failures++;
      }
    }
    totals.tests += cases.length;
    totals.failures += counts.failures;
    totals.errors += counts.errors;
    totals.skipped += counts.skipped;
    totals.time += seconds;
    const properties = [
      ['backend', scenario.backend],
      ['seed', String(scenario.seed ?? '')],
      ['replay', replay],
      ...(scenario.dir ? [['dir', scenario.dir]] : []),
    ]
      .map(([name, value]) => `      <property name="${xml(name!)}" value="${xml(value!)}"/>`)
      .join('\n');
    suites.push(
      `  <testsuite name="${xml(scenario.name)}" tests="${cases.length}" failures="${counts.failures}" errors="${counts.errors}" skipped="${counts.skipped}" time="${seconds.toFixed(3)}">\n` +
        `    <properties>\n${properties}\n    </properties>\n${cases.join('\n')}\n  </testsuite>`,
    );
  }
  const document =
    `<?xml version="1.0" encoding="UTF-8"?>\n` +
    `<testsuites name="chaoslab" tests="${totals.tests}" failures="${totals.failures}" errors="${totals.errors}" skipped="${totals.skipped}" time="${totals.time.toFixed(3)}">\n` +
    `${suites.join('\n')}\n</testsuites>\n`;
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, document);
  return file;
}

function testCase(classname: string, name: string, inner: string): string {
  const open = `    <testcase classname="${xml(classname)}" name="${xml(name)}" time="0">`;
  return inner ? `${open}\n      ${inner}\n    </testcase>` : `${open}</testcase>`;
}

/** Escapes markup and drops the control characters XML 1.0 cannot carry at all. */
export function xml(text: string): string {
  return text
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '')
    .replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!);
}
