import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { selectScenarios } from '../../harness/catalogue.ts';
import { matrixFailures, runMatrix } from '../../harness/matrix.ts';
import { closeActiveLabs } from '../../harness/run.ts';

// `chaoslab matrix` on a small part of the failure x setting table: the verdicts observed per cell must be those
// docs/SEMANTICS.md gives for the setting, whichever implementation serves.

const root = fileURLToPath(new URL('../..', import.meta.url));
const bin = join(root, 'harness', 'cli', 'bin.mjs');
const runsDir = mkdtempSync(join(tmpdir(), 'chaoslab-matrix-'));

afterAll(async () => {
  await closeActiveLabs();
  rmSync(runsDir, { recursive: true, force: true });
});

interface JsonCell {
  failure: string;
  setting: string;
  observed: Record<string, string>;
  dir: string;
  replay: string;
  error?: string;
}

describe('chaoslab matrix', () => {
  it('has columns that are catalogue scenarios, each named in docs/YOUR-NODE.md', async () => {
    const doc = readFileSync(join(root, 'docs', 'YOUR-NODE.md'), 'utf8').replace(/\s+/g, ' ');
    const scenarios = await selectScenarios(Object.values(matrixFailures));
    expect(scenarios.map((scenario) => scenario.name)).toEqual(Object.values(matrixFailures));
    for (const [failure, scenario] of Object.entries(matrixFailures)) expect(doc).toContain(`\`${failure}\` (${scenario}`);
  });

  it('runs the chosen cells against an executable and prints what each observed, with its run folder', async () => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [bin, 'matrix', '--node-command', 'python3 examples/python-node/node.py', '--failures', 'lost-reply',
        '--semantics', 'at-least-once,exactly-once', '--ops', '70', '--runs-dir', runsDir, '--no-report', '--json'],
      { cwd: root, timeout: 240_000 },
    );
    const { cells } = JSON.parse(stdout) as { cells: JsonCell[] };
    expect(cells.map((cell) => `${cell.failure} x ${cell.setting}`)).toEqual(['lost-reply x at-least-once', 'lost-reply x exactly-once']);
    const [atLeastOnce, exactlyOnce] = cells;
    expect(atLeastOnce!.observed).toMatchObject({ 'at-most-once': 'violated', 'at-least-once': 'holds' });
    expect(exactlyOnce!.observed).toMatchObject({ 'at-most-once': 'holds', 'at-least-once': 'holds', 'exactly-once': 'holds' });
    for (const cell of cells) {
      expect(cell.error).toBeUndefined();
      expect(existsSync(join(cell.dir, 'verdict.json'))).toBe(true);
      expect(cell.replay).toContain(`--failures lost-reply --semantics ${cell.setting} --seed `);
    }
  }, 240_000);

  it("shows a bug of the zoo on chaoslab's node", async () => {
    const [cell] = await runMatrix({ node: { kind: 'built-in', bug: 'no-reply-cache' }, failures: ['lost-reply'], settings: ['exactly-once'], ops: 70, runsDir, report: false });
    expect(cell!.outcome.error).toBeUndefined();
    expect(cell!.outcome.observed['exactly-once']).toBe('violated');
  }, 120_000);

  it('refuses an unknown failure with the known ones, and too few ops for the fault to start', async () => {
    const failed = promisify(execFile)(process.execPath, [bin, 'matrix', '--failures', 'lost-replies'], { cwd: root, timeout: 60_000 });
    await expect(failed).rejects.toMatchObject({ stderr: expect.stringMatching(/unknown lost-replies; known: lost-message, lost-reply/) });
    await expect(runMatrix({ node: { kind: 'built-in' }, failures: ['lost-reply'], ops: 20, runsDir })).rejects.toThrow(/at least 60 ops/);
  }, 60_000);
});
