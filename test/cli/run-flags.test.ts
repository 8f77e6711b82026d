import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadCatalogue } from '../../harness/catalogue.ts';
import { chaoslab } from './cli.ts';

const runsDir = mkdtempSync(join(tmpdir(), 'chaoslab-cli-flags-'));
afterAll(() => rmSync(runsDir, { recursive: true, force: true }));

interface JsonRun {
  scenarios: { name: string; seed: number; ok: boolean; error?: string }[];
  notRun?: string[];
}

describe('chaoslab run --repeat', () => {
  it('runs the scenario N times, each from its own printed seed', async () => {
    const result = await chaoslab(['run', 'baseline-at-most-once', '--repeat', '2', '--seed', '41', '--json', '--runs-dir', runsDir, '--no-report']);
    expect(result.code).toBe(0);
    const output = JSON.parse(result.stdout) as JsonRun;
    expect(output.scenarios.map((s) => [s.name, s.seed, s.ok])).toEqual([
      ['baseline-at-most-once', 41, true],
      ['baseline-at-most-once', 42, true],
    ]);
    expect(result.stderr).toMatch(/^\[2\/2\] baseline-at-most-once .*\(seed 42\)$/m);
  });
});

describe('chaoslab run --bail', () => {
  it('starts nothing after the first scenario not as expected and reports the rest as not run', async () => {
    // Nothing answers at this address, so the first scenario fails at once, before any verdict.
    const junit = join(runsDir, 'junit.xml');
    const args = ['run', 'baseline-at-most-once', 'baseline-exactly-once', 'lost-reply-at-most-once', '--parallel', '1'];
    const result = await chaoslab([...args, '--bail', '--toxiproxy-url', 'http://127.0.0.1:1', '--runs-dir', runsDir, '--no-report', '--junit', junit]);
    expect(result.signal).toBeNull();
    expect(result.code).toBe(3);
    expect(result.stdout).toContain('ERROR: no Toxiproxy answers at http://127.0.0.1:1');
    expect(result.stdout).toContain('not run (--bail, after the first scenario not as expected): baseline-exactly-once, lost-reply-at-most-once');
    expect(result.stdout).toMatch(/^scenarios: 0 passed, 1 failed, 0 skipped, 2 not run$/m);
    expect(result.stderr).not.toContain('baseline-exactly-once');
    expect(readFileSync(junit, 'utf8')).toContain('not run: --bail stopped after a scenario not as expected');

    // Positive control: without --bail the same failure does not stop the others from starting.
    const all = await chaoslab([...args, '--toxiproxy-url', 'http://127.0.0.1:1', '--runs-dir', runsDir, '--no-report', '--json']);
    expect(all.code).toBe(3);
    expect((JSON.parse(all.stdout) as JsonRun).scenarios.map((s) => s.name)).toEqual(args.slice(1, 4));
  });
});

describe('chaoslab list', () => {
  it('never cuts a name, so that each can be copied into `chaoslab run`', async () => {
    const names = (await loadCatalogue()).map((scenario) => scenario.name);
    expect(Math.max(...names.map((name) => name.length))).toBeGreaterThan(40);
    const result = await chaoslab(['list']);
    expect(result.code).toBe(0);
    for (const name of names) expect(result.stdout).toMatch(new RegExp(`^│ ${name} +│`, 'm'));
    expect(result.stdout).not.toContain('…');
  });
});

describe('chaoslab list --shard', () => {
  it('splits the catalogue so that every scenario is in exactly one of the shards', async () => {
    const names = async (...args: string[]) => {
      const result = await chaoslab(['list', '--json', ...args]);
      expect(result.code).toBe(0);
      return (JSON.parse(result.stdout) as JsonRun).scenarios.map((s) => s.name);
    };
    const all = await names();
    const shards = await Promise.all([1, 2, 3].map((i) => names('--shard', `${i}/3`)));
    expect(shards.flat().sort()).toEqual([...all].sort());
    for (const shard of shards) expect(shard.length).toBeGreaterThanOrEqual(Math.floor(all.length / 3));
  });
});
