import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  HistoryError,
  HistoryRecorder,
  RecordFileError,
  allFaultsHealed,
  faultWindows,
  pairs,
  readHistory,
  readRunRecords,
  runFiles,
  writeExecutions,
  writeHistory,
  type FaultEvent,
  type Op,
} from '../../harness/history/index.ts';

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'chaoslab-history-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function steppingClock(): () => number {
  let now = 1000;
  return () => (now += 1.5);
}

describe('HistoryRecorder', () => {
  it('records invokes, completions and faults with monotonic times and streams them to the run folder', async () => {
    const dir = tempDir();
    const recorder = new HistoryRecorder({ dir, clock: steppingClock() });
    const a = recorder.invoke(0, 'append', { id: 'op-0' }, 'n1');
    const b = recorder.invoke(1, 'send', { id: 'op-1', body: 'x' }, 'n2');
    const fault = recorder.startFault('lose-messages', { link: 'n1->n2', probability: 1 });
    recorder.complete(a, 'ok');
    recorder.complete(b, 'fail', { error: 'refused', value: { id: 'forged', extra: 1 } });
    recorder.stopFault(fault);
    await recorder.close();

    expect(recorder.ops.map((op) => op.type)).toEqual(['invoke', 'invoke', 'ok', 'fail']);
    const times = recorder.ops.map((op) => op.time);
    expect([...times].sort((x, y) => x - y)).toEqual(times);
    expect(recorder.ops[3]!.value).toEqual({ id: 'op-1', body: 'x', extra: 1 });
    expect(recorder.ops[3]!.error).toBe('refused');

    writeFileSync(join(dir, runFiles.executions), '');
    const stored = await readRunRecords(dir);
    expect(stored.history).toEqual(recorder.ops);
    expect(stored.faults).toEqual(recorder.faults);
    expect(stored.faults.map((event) => [event.id, event.type])).toEqual([
      ['f0', 'start'],
      ['f0', 'stop'],
    ]);
    expect(allFaultsHealed(stored.faults)).toBe(true);
  });

  it('refuses to complete an op twice or one never invoked', () => {
    const recorder = new HistoryRecorder();
    const a = recorder.invoke(0, 'append', { id: 'op-0' }, 'n1');
    recorder.complete(a, 'info');
    expect(() => recorder.complete(a, 'ok')).toThrow(/no open invoke/);
    expect(() => recorder.complete(42, 'ok')).toThrow(/no open invoke/);
    expect(() => recorder.stopFault('f9')).toThrow(/no active fault/);
  });

  it('reports pending invokes and active faults', () => {
    const recorder = new HistoryRecorder();
    recorder.invoke(0, 'append', { id: 'op-0' }, 'n1');
    recorder.startFault('crash', { node: 'n2' });
    expect(recorder.pending()).toEqual([0]);
    expect(recorder.activeFaultIds()).toEqual(['f0']);
    expect(allFaultsHealed(recorder.faults)).toBe(false);
  });
});

describe('pairs', () => {
  const op = (index: number, process: number, type: Op['type'], id: string, time: number): Op => ({
    index,
    process,
    type,
    f: 'append',
    value: { id },
    node: 'n1',
    time,
  });

  it('pairs each invoke with its completion and reads an unfinished invoke as info', () => {
    const history = [op(0, 0, 'invoke', 'a', 1), op(1, 0, 'invoke', 'b', 2), op(2, 0, 'ok', 'b', 3), op(3, 1, 'invoke', 'c', 4)];
    const result = pairs(history);
    expect(result.map((pair) => [pair.invoke.value.id, pair.outcome, pair.completion?.index])).toEqual([
      ['a', 'info', undefined],
      ['b', 'ok', 2],
      ['c', 'info', undefined],
    ]);
  });

  it('pairs one id open in two processes by process', () => {
    const history = [op(0, 0, 'invoke', 'a', 1), op(1, 1, 'invoke', 'a', 2), op(2, 0, 'fail', 'a', 3), op(3, 1, 'ok', 'a', 4), op(4, 2, 'invoke', 'a', 5), op(5, 2, 'ok', 'a', 6)];
    expect(pairs(history).map((pair) => [pair.invoke.index, pair.completion?.index, pair.outcome])).toEqual([
      [0, 2, 'fail'],
      [1, 3, 'ok'],
      [4, 5, 'ok'],
    ]);
    const laterFirst = [op(0, 0, 'invoke', 'a', 1), op(1, 1, 'invoke', 'a', 2), op(2, 1, 'ok', 'a', 3), op(3, 0, 'info', 'a', 4)];
    expect(pairs(laterFirst).map((pair) => pair.completion?.index)).toEqual([3, 2]);
  });

  it('rejects a process invoking an id it has open', () => {
    expect(() => pairs([op(0, 0, 'invoke', 'a', 1), op(1, 0, 'invoke', 'a', 2)])).toThrow(/again before/);
    expect(() => pairs([op(0, 0, 'invoke', 'a', 1), op(1, 1, 'invoke', 'a', 2), op(2, 1, 'invoke', 'a', 3)])).toThrow(/again before/);
  });

  it('rejects a completion with no open invoke', () => {
    expect(() => pairs([op(0, 0, 'ok', 'a', 1)])).toThrow(HistoryError);
  });
});

describe('record files', () => {
  it('names the file and line of a bad record', async () => {
    const dir = tempDir();
    const file = join(dir, runFiles.history);
    const good = JSON.stringify({ index: 0, process: 0, type: 'invoke', f: 'append', value: { id: 'a' }, node: 'n1', time: 1 });
    writeFileSync(file, `${good}\n\n{"index":1,"process":0,"type":"done","f":"append","value":{"id":"a"},"node":"n1","time":2}\n`);
    await expect(readHistory(file)).rejects.toThrow(/history\.jsonl:3: type/);
    writeFileSync(file, `${good}\n{not json\n`);
    await expect(readHistory(file)).rejects.toThrow(/history\.jsonl:2: not JSON/);
  });

  it('says which file is missing', async () => {
    const dir = tempDir();
    await expect(readRunRecords(join(dir, 'nope'))).rejects.toThrow(/not a run folder/);
    writeFileSync(join(dir, runFiles.history), '');
    await expect(readRunRecords(dir)).rejects.toThrow(RecordFileError);
    await expect(readRunRecords(dir)).rejects.toThrow(/executions\.jsonl/);
    await writeExecutions(join(dir, runFiles.executions), [
      { id: 'a', node: 'n2', by: 'n2/worker-1', key: { from: 'n1', seq: 1 }, time: 3, intact: true },
    ]);
    const records = await readRunRecords(dir);
    expect(records.executions).toHaveLength(1);
    expect(records.faults).toEqual([]);
  });
});

describe('fault windows', () => {
  const event = (index: number, id: string, type: 'start' | 'stop', time: number): FaultEvent => ({
    index,
    id,
    type,
    fault: 'cut-wire',
    target: { link: 'n1->n2' },
    time,
  });

  it('pairs starts with stops and leaves an unstopped fault open', () => {
    const windows = faultWindows([event(0, 'f0', 'start', 1), event(1, 'f1', 'start', 2), event(2, 'f0', 'stop', 3)]);
    expect(windows.map((window) => [window.id, window.start, window.stop])).toEqual([
      ['f0', 1, 3],
      ['f1', 2, undefined],
    ]);
  });

  it('rejects a stop without a start and a fault started twice', () => {
    expect(() => faultWindows([event(0, 'f0', 'stop', 1)])).toThrow(/without a start/);
    expect(() => faultWindows([event(0, 'f0', 'start', 1), event(1, 'f0', 'start', 2)])).toThrow(/starts twice/);
  });
});

describe('large record files', () => {
  it('round-trips 50,000 ops through a file (write back-pressure, streamed read)', async () => {
    const file = join(tempDir(), runFiles.history);
    const ops: Op[] = Array.from({ length: 50_000 }, (_, index) => ({
      index,
      process: index % 8,
      type: 'invoke',
      f: 'send',
      value: { id: `op-${index}`, body: 'x'.repeat(64) },
      node: 'n1',
      time: index / 10,
    }));
    await writeHistory(file, ops);
    const read = await readHistory(file);
    expect(read).toHaveLength(ops.length);
    expect(read.at(-1)).toEqual(ops.at(-1));
  });
});
