import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { writeVerdictFile, type VerdictRecord } from '../../harness/outcome/index.ts';
import { register } from '../../harness/cli/commands/check.ts';
import { runFiles, writeRunRecords } from '../../harness/history/index.ts';
import { HistoryBuilder } from './histories.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  vi.restoreAllMocks();
  process.exitCode = undefined;
});

/** A stored run where op a ran twice (a lost reply retried) and op b's reply was lost. */
async function storedRun(verdict?: Partial<VerdictRecord>): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'chaoslab-check-'));
  dirs.push(dir);
  const h = new HistoryBuilder().op('a', 'ok').op('b', 'info').execute('a').execute('a');
  await writeRunRecords(dir, {
    history: h.history,
    executions: h.executions,
    faults: [
      { index: 0, id: 'f0', type: 'start', fault: 'lose-replies', target: { link: 'n1->n2' }, time: 0.5 },
      { index: 1, id: 'f0', type: 'stop', fault: 'lose-replies', target: { link: 'n1->n2' }, time: 3.5 },
    ],
  });
  if (verdict) {
    await writeVerdictFile(dir, {
      scenario: 'lost-reply-at-least-once',
      backend: 'process',
      seed: 7,
      expected: {},
      observed: {},
      results: [],
      availability: {},
      ok: true,
      ops: 2,
      faults: 1,
      durationMs: 10,
      replay: 'npx chaoslab run lost-reply-at-least-once --seed 7',
      ...verdict,
    });
  }
  return dir;
}

async function check(...args: string[]): Promise<{ out: string; err: string; code: number | string | undefined }> {
  const out: string[] = [];
  const err: string[] = [];
  vi.spyOn(console, 'log').mockImplementation((line: string) => void out.push(line));
  vi.spyOn(console, 'error').mockImplementation((line: string) => void err.push(line));
  const program = new Command('chaoslab').exitOverride();
  register(program);
  await program.parseAsync(['node', 'chaoslab', 'check', ...args]);
  return { out: out.join('\n'), err: err.join('\n'), code: process.exitCode };
}

describe('chaoslab check DIR', () => {
  it('exits 0 when the stored expectations are met, and prints the table', async () => {
    const dir = await storedRun({ expected: { 'at-most-once': 'violated', 'at-least-once': 'holds' } });
    const { out, code } = await check(dir);
    expect(code).toBe(0);
    expect(out).toMatch(/scenario lost-reply-at-least-once, seed 7/);
    expect(out).toMatch(/a executed 2 times/);
    expect(out).toMatch(/ok: every verdict as expected/);
  });

  it('exits 1 on a mismatch and prints the replay command', async () => {
    const dir = await storedRun({ expected: { 'exactly-once': 'holds' } });
    const { out, code } = await check(dir);
    expect(code).toBe(1);
    expect(out).toMatch(/MISMATCH/);
    expect(out).toMatch(/replay: npx chaoslab run lost-reply-at-least-once --seed 7/);
  });

  it('re-applies the stored options (eventual delivery requires the info op)', async () => {
    const dir = await storedRun({ expected: { 'at-least-once': 'holds' }, options: { eventual: true } });
    const { out, code } = await check(dir, '--json');
    expect(code).toBe(1);
    const json = JSON.parse(out);
    expect(json.observed).toEqual({ 'at-least-once': 'violated' });
    expect(json.healed).toBe(true);
    expect(json.results[0].counterexamples[0].id).toBe('b');
    expect(json.availability).toMatchObject({ ok: 1, info: 1 });
  });

  it('without verdict.json checks every guarantee and fails on any violation', async () => {
    const dir = await storedRun();
    const { out, code } = await check(dir, '--json');
    expect(code).toBe(1);
    expect(Object.keys(JSON.parse(out).observed)).toEqual(['at-most-once', 'at-least-once', 'exactly-once', 'integrity', 'exclusive-receive', 'clean-links']);
  });

  it('explains a bad run folder and exits 2', async () => {
    const dir = await storedRun();
    writeFileSync(join(dir, runFiles.executions), '{"id":"a"}\n');
    const { err, code } = await check(dir);
    expect(code).toBe(2);
    expect(err).toMatch(/executions\.jsonl:1: /);
    expect((await check(join(dir, 'missing'))).err).toMatch(/not a run folder/);
  });
});
