import { appendFileSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { writeVerdictFile } from '../../harness/outcome/index.ts';
import { writeRunRecords, type Op } from '../../harness/history/index.ts';
import { writeReport } from '../../harness/report/index.ts';
import { buildModel, MAX_BARS, thinEvenly } from '../../harness/report/model.ts';
import { readRunFolder } from '../../harness/report/run-folder.ts';
import { EPOCH_OF_ZERO, simulatedRun } from './simulated-run.ts';

const dirs: string[] = [];
function freshDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'chaoslab-report-model-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('report model of a run folder', () => {
  it('tells the duplicated message story: invoke, sends, retransmissions, deliveries, executions, ok', async () => {
    const { dir, duplicatedId } = await simulatedRun(freshDir());
    // The name service numbers n1's calls to it in the same key space: its lines are another message.
    const key = (await readRunFolder(dir)).executions.find((e) => e.id === duplicatedId)!.key;
    writeFileSync(join(dir, 'nodes', 'names.log'), `${JSON.stringify({ ts: EPOCH_OF_ZERO + 5, node: 'names', event: 'take', id: key })}\n`);
    const model = buildModel(await readRunFolder(dir));
    const trail = model.trails.find((t) => t.id === duplicatedId)!;
    expect(trail.steps.map((s) => s.lane)).not.toContain('names');
    expect(trail.citations.map((c) => c.checker)).toEqual(['at-most-once', 'exactly-once']);
    const kinds = trail.steps.map((s) => s.kind);
    expect(kinds[0]).toBe('invoke');
    expect(kinds.at(-1) === 'ok' || kinds.includes('ok')).toBe(true);
    expect(kinds.filter((k) => k === 'send')).toHaveLength(1);
    expect(kinds.filter((k) => k === 'retransmission').length).toBeGreaterThan(0);
    expect(kinds.filter((k) => k === 'execution').length).toBe(kinds.filter((k) => k === 'delivery').length);
    expect(trail.steps.map((s) => s.time)).toEqual([...trail.steps.map((s) => s.time)].sort((a, b) => a - b));
    // exactly-once cites the same messages: their trails are built once.
    expect(new Set(model.trails.map((t) => t.id)).size).toBe(model.trails.length);
  });

  it('places node logs on the run clock: estimated by matching them to executions, or verdict.startedAt when given', async () => {
    const { dir } = await simulatedRun(freshDir());
    const estimated = buildModel(await readRunFolder(dir)).clock;
    expect(estimated.source).toBe('estimated from node logs');
    expect(Math.abs(estimated.epochOfZero! - EPOCH_OF_ZERO)).toBeLessThan(3);

    const verdict = JSON.parse(readFileSync(join(dir, 'verdict.json'), 'utf8'));
    writeFileSync(join(dir, 'verdict.json'), JSON.stringify({ ...verdict, startedAt: EPOCH_OF_ZERO }));
    const given = buildModel(await readRunFolder(dir)).clock;
    expect(given.source).toBe('verdict.startedAt');
    expect(given.fromEpoch(EPOCH_OF_ZERO + 250)).toBe(250);
  });

  it('marks the crash and restart of n3 and the time it was down; shades the link fault', async () => {
    const { dir } = await simulatedRun(freshDir());
    const model = buildModel(await readRunFolder(dir));
    expect(model.nodeMarks.map((m) => [m.node, m.kind, m.time])).toEqual([
      ['n3', 'crash', 700],
      ['n3', 'restart', 900],
    ]);
    expect(model.nodeDown).toEqual([{ node: 'n3', start: 700, end: 900, kind: 'crashed' }]);
    expect(model.linkFaults.map((f) => [f.fault, f.target])).toEqual([['lose-replies', 'n1->n2 probability=1']]);
    expect(model.lanes).toEqual(['client 0', 'client 1', 'client 2', 'client 3', 'n1', 'n2', 'n3']);
  });

  it('keeps a big run small: thins ok ops, keeps every failed op and every counterexample op', async () => {
    const dir = freshDir();
    const history: Op[] = [];
    const total = 25_000;
    for (let i = 0; i < total; i++) {
      const id = `op-${i}`;
      const outcome = i % 100 === 0 ? 'fail' : 'ok';
      history.push({ index: 2 * i, process: i % 8, type: 'invoke', f: 'append', value: { id }, node: 'n1', time: i / 10 });
      history.push({ index: 2 * i + 1, process: i % 8, type: outcome, f: 'append', value: { id }, node: 'n1', time: i / 10 + 0.5 });
    }
    const executions = history
      .filter((o) => o.type === 'ok')
      .map((o) => ({ id: o.value.id, node: 'n2', by: 'n2/worker-1', key: { from: 'n1', seq: o.index }, time: o.time - 0.2, intact: true }));
    executions.push({ ...executions[5]!, time: executions[5]!.time + 1 });
    await writeRunRecords(dir, { history, faults: [], executions });
    const duplicate = executions[5]!.id;
    await writeVerdictFile(dir, {
      scenario: 'big',
      backend: 'process',
      seed: 1,
      expected: { 'at-most-once': 'holds' },
      observed: { 'at-most-once': 'violated' },
      results: [{ checker: 'at-most-once', verdict: 'violated', reason: '1 id executed twice', counterexamples: [{ id: duplicate, ops: [], times: [], what: 'twice' }] }],
      availability: {},
      ok: false,
      ops: total,
      faults: 0,
      durationMs: total / 10,
      replay: 'npx chaoslab run big --seed 1',
    });
    const model = buildModel(await readRunFolder(dir));
    expect(model.shownSpans.length).toBeLessThanOrEqual(MAX_BARS);
    expect(model.shownSpans.filter((s) => s.outcome === 'fail')).toHaveLength(total / 100);
    expect(model.shownSpans.some((s) => s.id === duplicate)).toBe(true);
    const file = await writeReport(dir);
    expect(statSync(file).size).toBeLessThan(4_000_000);
    expect(readFileSync(file, 'utf8')).toContain(`Downsampled:</b> showing ${model.shownSpans.length} of ${total} operations`);
  });

  it('thins evenly across the whole run, not just its start', () => {
    const items = Array.from({ length: 1000 }, (_, i) => i);
    const kept = thinEvenly(items, 100, (i) => i === 999);
    expect(kept).toHaveLength(100);
    expect(kept).toContain(999);
    expect(Math.max(...kept.filter((i) => i !== 999))).toBeGreaterThan(900);
  });
});

describe('report of bad or hostile input', () => {
  it('names the file and line of a malformed history line', async () => {
    const { dir } = await simulatedRun(freshDir());
    appendFileSync(join(dir, 'history.jsonl'), '{"index": "not a number"}\n');
    await expect(writeReport(dir)).rejects.toThrow(/history\.jsonl:\d+:/);
  });

  it('still reports a run that died before its first op (record files missing)', async () => {
    const dir = freshDir();
    writeFileSync(join(dir, 'verdict.json'), JSON.stringify({ scenario: 'early-death', expected: { 'at-most-once': 'holds' }, observed: {} }));
    const html = readFileSync(await writeReport(dir), 'utf8');
    expect(html).toContain('<h1>early-death <span class="badge fail">NOT as expected</span></h1>');
    expect(html).toContain('No faults were injected.');
  });

  it('refuses a folder without verdict.json with a clear error', async () => {
    await expect(writeReport(freshDir())).rejects.toThrow(/verdict\.json.*missing: not a run folder/);
  });

  it('escapes names and messages so that nothing in a run can inject markup or end the data script', async () => {
    const { dir } = await simulatedRun(freshDir());
    const verdict = JSON.parse(readFileSync(join(dir, 'verdict.json'), 'utf8'));
    verdict.scenario = '<img src=x onerror=alert(1)>';
    verdict.results[0].counterexamples[0].what = '</script><script>alert(2)</script>';
    writeFileSync(join(dir, 'verdict.json'), JSON.stringify(verdict));
    const html = readFileSync(await writeReport(dir), 'utf8');
    expect(html).not.toContain('<img src=x');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).not.toContain('<script>alert(2)');
  });
});
