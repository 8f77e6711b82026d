import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { writeVerdictFile, type VerdictRecord } from '../../harness/outcome/index.ts';
import { writeRunsIndex } from '../../harness/report/index.ts';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));

function runsDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'chaoslab-runs-index-'));
  dirs.push(dir);
  return dir;
}

function runFolder(runs: string, name: string): string {
  const dir = join(runs, name);
  mkdirSync(join(dir, 'nodes'), { recursive: true });
  return dir;
}

const verdict = (scenario: string, startedAt: number, observed: VerdictRecord['observed'], ok: boolean): VerdictRecord => ({
  scenario,
  backend: 'process',
  seed: 42,
  expected: { 'at-most-once': 'holds' },
  observed,
  results: [],
  availability: {},
  ok,
  ops: 200,
  faults: 1,
  durationMs: 2300,
  replay: `npx chaoslab run ${scenario} --seed 42`,
  startedAt,
});

describe('runs/index.html', () => {
  it('lists every run newest first, with its verdicts, and links to its report', async () => {
    const runs = runsDir();
    const older = runFolder(runs, '20261130-100000-lost-reply-at-most-once');
    await writeVerdictFile(older, verdict('lost-reply-at-most-once', Date.UTC(2026, 10, 30, 10), { 'at-most-once': 'holds' }, true));
    writeFileSync(join(older, 'report.html'), '<!doctype html>');
    const newer = runFolder(runs, '20261130-110000-cut-wire-x');
    await writeVerdictFile(newer, verdict('cut-wire-<b>x</b>', Date.UTC(2026, 10, 30, 11), { 'at-most-once': 'violated' }, false));
    runFolder(runs, '20261130-120000-still-running');
    mkdirSync(join(runs, 'not-a-run')); // no nodes/ folder: not listed

    const html = readFileSync(await writeRunsIndex(runs), 'utf8');
    const rows = [...html.matchAll(/<tr class="run (\w+)">([\s\S]*?)<\/tr>/g)];
    expect(rows.map((r) => r[1])).toEqual(['none', 'fail', 'pass']);
    expect(rows[0]![2]).toContain('still-running');
    expect(rows[1]![2]).toContain('at-most-once: violated (expected holds)');
    expect(rows[1]![2]).toContain('cut-wire-&lt;b&gt;x&lt;/b&gt;');
    expect(rows[2]![2]).toContain('href="20261130-100000-lost-reply-at-most-once/report.html"');
    expect(html).not.toContain('not-a-run');
    expect(html).toContain('3 runs, 1 as expected');
  });

  it('is rewritten with the runs that are there now', async () => {
    const runs = runsDir();
    const first = runFolder(runs, '20261130-100000-a');
    await writeVerdictFile(first, verdict('a', 1, { 'at-most-once': 'holds' }, true));
    expect(readFileSync(await writeRunsIndex(runs), 'utf8')).toContain('1 runs');
    const second = runFolder(runs, '20261130-100001-b');
    await writeVerdictFile(second, verdict('b', 2, { 'at-most-once': 'holds' }, true));
    const html = readFileSync(await writeRunsIndex(runs), 'utf8');
    expect(html).toContain('2 runs, 2 as expected');
    expect(html.indexOf('20261130-100001-b')).toBeLessThan(html.indexOf('20261130-100000-a'));
  });
});
