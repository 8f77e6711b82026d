import { afterAll, describe, expect, it } from 'vitest';
import { DedupTable } from '../../nodes/semantics/dedup.ts';
import { LogLab } from './log-lab.ts';

// The receiver forgets (sender, seq) entries below the sender's piggybacked low-water mark, lowered to the oldest
// message of that sender it still holds, so its dedup table is as small as the senders' windows of unsettled
// requests (plus what arrived after a message still waiting), however long the stream.

describe('DedupTable', () => {
  it('runs a new key, joins a running one, replays a finished one, and refuses one below the mark', async () => {
    const table = new DedupTable();
    const first = table.admit({ from: 'a', seq: 5 });
    expect(first.kind).toBe('new');
    const copy = table.admit({ from: 'a', seq: 5 });
    expect(copy.kind).toBe('running');
    if (first.kind === 'new') first.finish({ result: { ok: true } });
    if (copy.kind === 'running') expect(await copy.reply).toEqual({ result: { ok: true } });
    expect(table.admit({ from: 'a', seq: 5 })).toEqual({ kind: 'done', reply: { result: { ok: true } } });
    expect(table.admit({ from: 'a', seq: 9 }, 6).kind).toBe('new');
    expect(table.admit({ from: 'a', seq: 5 }).kind).toBe('forgotten');
    expect(table.has({ from: 'a', seq: 5 })).toBe(true);
    expect(table.size).toBe(1);
  });

  it('without a reply cache (the no-reply-cache bug) a finished key is new again', () => {
    const table = new DedupTable(false);
    const first = table.admit({ from: 'a', seq: 1 });
    if (first.kind === 'new') first.finish({ result: 1 });
    expect(table.admit({ from: 'a', seq: 1 }).kind).toBe('new');
  });

  it('never forgets a key whose message is still held, and forgets it once that message is consumed', () => {
    const table = new DedupTable();
    const held = new Set<number>([3]);
    table.keepHeld(() => (held.size > 0 ? Math.min(...held) : undefined));
    const consumed = table.admit({ from: 'a', seq: 5 }, 6);
    if (consumed.kind === 'new') consumed.finish({});
    // Seq 3 is below the sender's mark (stored here, so settled at the sender) but still in the mailbox.
    expect(table.has({ from: 'a', seq: 3 })).toBe(false);
    expect(table.admit({ from: 'a', seq: 7 }, 8).kind).toBe('new');
    expect(table.admit({ from: 'a', seq: 5 }).kind).toBe('done');
    const back = table.admit({ from: 'a', seq: 3 });
    expect(back.kind).toBe('new');
    if (back.kind === 'new') back.finish({});
    held.delete(3);
    // The next mark from the sender drops what is below it now that nothing of `a` is held.
    expect(table.admit({ from: 'a', seq: 9 }, 9).kind).toBe('new');
    expect(table.admit({ from: 'a', seq: 3 }).kind).toBe('forgotten');
    expect(table.admit({ from: 'a', seq: 5 }).kind).toBe('forgotten');
    expect(table.journaledMark('a', 9)).toBe(9);
  });

  it('journals a mark no higher than the oldest held message, so a replay keeps what a restored mailbox needs', () => {
    const table = new DedupTable();
    table.keepHeld(() => 3);
    expect(table.journaledMark('a', 10)).toBe(3);
    const replayed = new DedupTable();
    replayed.remember({ from: 'a', seq: 3 }, {}, table.journaledMark('a', 10));
    expect(replayed.admit({ from: 'a', seq: 3 }).kind).toBe('done');
  });

  it('stays bounded over a long stream when every request carries the low-water mark', () => {
    const table = new DedupTable();
    for (let seq = 0; seq < 10_000; seq++) {
      const admission = table.admit({ from: 'a', seq }, Math.max(0, seq - 8));
      if (admission.kind === 'new') admission.finish({ result: seq });
    }
    expect(table.size).toBeLessThanOrEqual(9);
  });
});

let lab: LogLab | undefined;
afterAll(async () => {
  await lab?.close();
});

it('exactly-once over real nodes: 400 appends leave a dedup table no larger than the window of concurrent calls', async () => {
  lab = await LogLab.start({ semantics: 'exactly-once' });
  const l = lab;
  const concurrency = 8;
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < 400) expect((await l.append(`op-${next++}`)).outcome).toBe('ok');
    }),
  );
  const stats = await l.log.stats({});
  expect(stats.executions).toBe(400);
  expect(stats.dedupEntries).toBeGreaterThan(0);
  expect(stats.dedupEntries).toBeLessThanOrEqual(concurrency * 2);
  // The bound survives a restart: recovery replays the low-water marks too.
  await l.crashServer();
  await l.restartServer();
  expect((await l.log.stats({})).dedupEntries).toBeLessThanOrEqual(concurrency * 2);
});
