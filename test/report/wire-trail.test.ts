import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { writeVerdictFile, type VerdictRecord } from '../../harness/outcome/index.ts';
import { runFiles, writeRunRecords, writeWire, type Op, type WireRecord } from '../../harness/history/index.ts';
import { messagesOf } from '../../harness/report/messages.ts';
import { buildModel } from '../../harness/report/model.ts';
import { readRunFolder } from '../../harness/report/run-folder.ts';

// A lost reply as the proxy records it: n1 calls n2 under key n1#7, n2 runs it and answers, the proxy drops the
// answer (toxic f0-lose-replies), n1 retransmits, n2 runs it again (no reply cache) and this answer arrives.

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));

const key = { from: 'n1', seq: 7 };
const call = { link: 'n1->n2', stream: 'upstream' as const, connection: 0, bytes: 250, type: 'call', key, op: 'op-7', proc: 'log.append' };
const answer = { link: 'n1->n2', stream: 'downstream' as const, connection: 0, bytes: 120, type: 'reply' };
const wire: WireRecord[] = [
  { ...call, time: 10.1, frame: 3, event: 'sent', rid: 4 },
  { ...call, time: 10.2, frame: 3, event: 'delivered', rid: 4 },
  { ...answer, time: 11.5, frame: 3, event: 'sent', rid: 4 },
  { ...answer, time: 11.5, frame: 3, event: 'dropped', rid: 4, toxic: 'f0-lose-replies' },
  { ...call, time: 60.1, frame: 4, event: 'sent', rid: 5 },
  { ...call, time: 60.2, frame: 4, event: 'delivered', rid: 5 },
  { ...answer, time: 61.4, frame: 4, event: 'sent', rid: 5 },
  { ...answer, time: 61.5, frame: 4, event: 'delivered', rid: 5 },
];
const history: Op[] = [
  { index: 0, process: 0, type: 'invoke', f: 'append', value: { id: 'op-7' }, node: 'n1', time: 9.8 },
  { index: 1, process: 0, type: 'ok', f: 'append', value: { id: 'op-7', keys: [key], answer: 'result' }, node: 'n1', time: 61.9 },
];
const executions = [
  { id: 'op-7', node: 'n2', by: 'n2/worker-1', key, time: 10, intact: true },
  { id: 'op-7', node: 'n2', by: 'n2/worker-2', key, time: 60, intact: true },
];

async function lostReplyRun(records: { wire?: WireRecord[] } = { wire }): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'chaoslab-wire-trail-'));
  dirs.push(dir);
  await writeRunRecords(dir, { history, executions, faults: [] });
  if (records.wire) await writeWire(join(dir, runFiles.wire), records.wire);
  const counterexample = { id: 'op-7', ops: [0, 1], times: [11, 61], what: 'op-7 executed 2 times' };
  const verdict: VerdictRecord = {
    scenario: 'lost-reply-no-reply-cache',
    backend: 'process',
    seed: 1,
    expected: { 'at-most-once': 'violated' },
    observed: { 'at-most-once': 'violated' },
    results: [{ checker: 'at-most-once', verdict: 'violated', reason: '1 id executed more than once', counterexamples: [counterexample] }],
    availability: {},
    ok: true,
    ops: 1,
    faults: 0,
    durationMs: 100,
    replay: 'npx chaoslab run lost-reply-no-reply-cache --seed 1',
    startedAt: Date.UTC(2026, 0, 1),
  };
  await writeVerdictFile(dir, verdict);
  return dir;
}

describe('a trail from the proxy record', () => {
  it('shows the send, the lost reply and its toxic, the retransmission, each execution and the reply delivered', async () => {
    const model = buildModel(await readRunFolder(await lostReplyRun()));
    const trail = model.trails[0]!;
    expect(trail.steps.map((s) => [s.kind, s.lane])).toEqual([
      ['invoke', 'client 0'],
      ['send', 'n1'],
      ['delivery', 'n2'],
      ['execution', 'n2'],
      ['reply', 'n2'],
      ['drop', 'n1'],
      ['retransmission', 'n1'],
      ['delivery', 'n2'],
      ['execution', 'n2'],
      ['reply', 'n2'],
      ['reply delivered', 'n1'],
      ['ok', 'client 0'],
    ]);
    expect(trail.steps.find((s) => s.kind === 'drop')!.text).toContain('dropped by toxic f0-lose-replies on link n1->n2 downstream');
    expect(trail.steps.at(-1)!.text).toContain('message n1#7; answer result');
    // The execution's stamp (whole ms, 60) is placed after the delivery it cannot be earlier than (60.2).
    expect(trail.steps[8]!.time).toBeGreaterThan(60.2);
  });

  it('counts per link: messages, bytes, drops', async () => {
    const model = buildModel(await readRunFolder(await lostReplyRun()));
    expect(model.links).toEqual([
      { link: 'n1->n2', messages: 2, bytes: 500, dropped: 0, duplicated: 0, corrupted: 0, delayed: 0, undelivered: 0 },
      { link: 'n2->n1', messages: 2, bytes: 240, dropped: 1, duplicated: 0, corrupted: 0, delayed: 0, undelivered: 0 },
    ]);
  });

  it('tells a retransmission under a fresh key from a key reused for another op', async () => {
    const again = (seq: number, op: string, time: number, frame: number): WireRecord => ({ ...call, key: { from: 'n1', seq }, op, time, frame, event: 'sent', rid: frame + 1 });
    const messages = messagesOf([again(7, 'op-7', 10, 0), again(8, 'op-7', 50, 1), again(7, 'op-9', 90, 2), again(7, 'op-9', 130, 3)]);
    expect(messages.map((m) => [m.retransmission, m.freshKey ?? false, m.keyReusedFrom])).toEqual([
      [false, false, undefined],
      [true, true, undefined],
      [false, false, 'op-7'],
      [true, false, undefined],
    ]);
  });

  it('without a proxy record, still ties the op to its message key through the history', async () => {
    const model = buildModel(await readRunFolder(await lostReplyRun({})));
    expect(model.messages).toEqual([]);
    expect(model.trails[0]!.keys).toEqual(['n1#7']);
  });
});
