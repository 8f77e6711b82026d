import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { chaoslab, chaoslabOnTerminal, colourCode } from './cli.ts';

// The quickest scenario of the catalogue: two nodes, no faults.
const FAST = 'baseline-at-most-once';
const runsDir = mkdtempSync(join(tmpdir(), 'chaoslab-cli-terminal-'));
afterAll(() => rmSync(runsDir, { recursive: true, force: true }));
const runArgs = ['run', FAST, '--runs-dir', runsDir, '--no-report'];

describe('chaoslab run on a terminal', () => {
  it('colours, marks verdicts with ✓ and keeps a live region updated in place', async () => {
    const result = await chaoslabOnTerminal(runArgs);
    expect(result.signal).toBeNull();
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(colourCode);
    // The region: the running scenario's line and the count under it, erased and drawn again at each event.
    expect(result.stdout).toMatch(new RegExp(`\\[1/1\\]\\S* ${FAST} \\+[0-9.]+s: healing and draining\r\n\\S*0 of 1 done, 1 running`));
    expect(result.stdout).toContain('\x1b[2K');
    // What stays once it has finished, and the table's verdicts.
    expect(result.stdout).toMatch(new RegExp(`\x1b\\[32m✓\x1b\\[39m ${FAST} `));
    expect(result.stdout).toMatch(/│ at-most-once\s+│ holds\s+│ holds\s+│ \x1b\[32m✓\x1b\[39m\s+│/);
    expect(result.stdout).toContain('0 failed');
  });
});

describe('chaoslab run piped', () => {
  it('prints plain lines: one per event on stderr, words instead of symbols, no escape code', async () => {
    // The preload says, once the closing line is out, whatever could still hold the process open.
    // With report.html, as a run goes by default.
    const result = await chaoslab(['run', FAST, '--runs-dir', runsDir], { preload: ['./test/cli/fixtures/lingering.mjs'] });
    // Exited by itself (no kill at the time limit), with nothing left to keep it alive after its summary.
    expect(result.signal).toBeNull();
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('lingering: []');
    expect(result.stdout + result.stderr).not.toContain('\x1b');
    expect(result.stdout).not.toContain('✓');
    expect(result.stderr).toMatch(new RegExp(`^\\[1/1\\] ${FAST} \\+[0-9.]+s: starting 2 nodes`, 'm'));
    expect(result.stderr).toMatch(new RegExp(`^\\[1/1\\] ${FAST} \\+[0-9.]+s: as expected`, 'm'));
    expect(result.stderr).toContain('nodes ready; 300 ops, 0 fault windows');
    // The run table has the reason column, and the time is the run's own.
    expect(result.stdout).toMatch(/│ match │ reason\s+│/);
    expect(result.stdout).toMatch(/│ at-most-once\s+│ holds\s+│ holds\s+│ yes\s+│ 300 ids executed, none more than once/);
    expect(result.stdout).toMatch(/^time: [0-9.]+ s \(scenarios [0-9.]+ s in all, 2 at a time\)$/m);
    expect(result.stdout).toMatch(/^scenarios: 1 passed, 0 failed, 0 skipped$/m);
    expect(result.stdout).toMatch(/^report: .*report\.html$/m);
  });
});

// `list` draws the same style (bold headers) without running a lab: the colour conventions are checked on it.
describe('colour conventions', () => {
  it('NO_COLOR on a terminal: colour goes, the table stays', async () => {
    const coloured = await chaoslabOnTerminal(['list']);
    expect(coloured.stdout).toMatch(colourCode);
    const plain = await chaoslabOnTerminal(['list'], { env: { NO_COLOR: '1' } });
    expect(plain.code).toBe(0);
    expect(plain.stdout).toContain('baseline-at-most-once');
    expect(plain.stdout).not.toMatch(colourCode);
  });

  it('FORCE_COLOR colours a pipe, and FORCE_COLOR=0 refuses colour on a terminal', async () => {
    const forced = await chaoslab(['list'], { env: { FORCE_COLOR: '1' } });
    expect(forced.stdout).toMatch(colourCode);
    const refused = await chaoslabOnTerminal(['list'], { env: { FORCE_COLOR: '0' } });
    expect(refused.stdout).toContain('baseline-at-most-once');
    expect(refused.stdout).not.toMatch(colourCode);
  });
});
