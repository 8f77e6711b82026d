import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { simulatedRun } from './simulated-run.ts';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'chaoslab-report-command-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const chaoslab = (...args: string[]) =>
  spawnSync(process.execPath, ['harness/cli/bin.mjs', ...args], { cwd: repoRoot, encoding: 'utf8', timeout: 60_000 });

describe('chaoslab report DIR', () => {
  it('rewrites the report of a stored run and prints its path', async () => {
    const run = await simulatedRun(join(dir, 'run'));
    const result = chaoslab('report', run.dir);
    expect(result.status).toBe(0);
    expect(result.stdout.trim()).toBe(join(run.dir, 'report.html'));
    expect(existsSync(join(run.dir, 'report.html'))).toBe(true);
  });

  it('says clearly when a folder is not a run folder, and exits 2', () => {
    const result = chaoslab('report', join(dir, 'nothing-here'));
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('verdict.json: missing: not a run folder');
  });
});
