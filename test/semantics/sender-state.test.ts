import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { sleep, waitFor } from '../helpers/wait.ts';
import { Journal } from '../../nodes/journal/journal.ts';
import { DEFAULT_RETRANSMIT, retransmitDelay } from '../../nodes/semantics/backoff.ts';
import { Outbox } from '../../nodes/semantics/outbox.ts';
import { seededRandom } from '../../nodes/random.ts';
import { ServerRevival } from '../../nodes/semantics/revival.ts';
import { RttEstimator } from '../../nodes/semantics/rtt.ts';
import { behaviourOf } from '../../nodes/semantics/settings.ts';
import { realEnv } from '../../nodes/env/real.ts';

// The sender's state without processes: retransmission timer, and the durable outbox across "restarts"
// (reopening the same journal files).

const dir = mkdtempSync(join(tmpdir(), 'chaoslab-outbox-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const journals = (sub: string) => ({ open: (name: string) => Journal.open(join(dir, sub, `${name}.journal`)) });

describe('retransmission timer', () => {
  it('backs off exponentially up to the cap, with jitter that replays from the seed', () => {
    const delays = (seed: number) => Array.from({ length: 8 }, (_, i) => retransmitDelay(DEFAULT_RETRANSMIT, i + 1, seededRandom(seed + i)));
    expect(delays(1)).toEqual(delays(1));
    expect(delays(1)).not.toEqual(delays(2));
    const noJitter = { ...DEFAULT_RETRANSMIT, jitter: 0 };
    expect([1, 2, 3, 4, 5, 6].map((n) => retransmitDelay(noJitter, n, Math.random))).toEqual([25, 50, 100, 200, 400, 500]);
    for (const delay of delays(3)) expect(delay).toBeLessThanOrEqual(DEFAULT_RETRANSMIT.maxMs * (1 + DEFAULT_RETRANSMIT.jitter));
  });

  it('never retransmits before the measured round-trip timeout', () => {
    const rtt = new RttEstimator();
    expect(rtt.timeout(500)).toBe(500);
    for (let i = 0; i < 20; i++) rtt.sample(40);
    expect(rtt.timeout(500)).toBeGreaterThanOrEqual(40);
    expect(rtt.timeout(500)).toBeLessThan(100);
    expect(rtt.backoff(3, { maxMs: 500, multiplier: 2 })).toBeGreaterThanOrEqual(160);
  });
});

describe('outbox', () => {
  const exactlyOnce = behaviourOf('exactly-once');

  it('exactly-once: a reopened outbox never reuses a number and hands back its unsettled requests', async () => {
    const first = await Outbox.open(exactlyOnce, journals('eo'), realEnv.clock);
    const a = await first.next();
    const b = await first.next();
    await first.track({ seq: a, target: 'n2', message: { type: 'call', n: 1 } });
    await first.track({ seq: b, target: 'n2', message: { type: 'call', n: 2 } });
    first.settle(a);
    expect(first.lowWater()).toBe(b);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const second = await Outbox.open(exactlyOnce, journals('eo'), realEnv.clock);
    expect(second.recovered.map((entry) => entry.seq)).toEqual([b]);
    expect(await second.next()).toBeGreaterThan(b);
    expect(second.lowWater()).toBe(b);
  });

  it('seq-restart bug: numbers start again at 0', async () => {
    const buggy = behaviourOf('exactly-once', 'seq-restart');
    const first = await Outbox.open(buggy, journals('bug'), realEnv.clock);
    expect(await first.next()).toBe(0);
    const second = await Outbox.open(buggy, journals('bug'), realEnv.clock);
    expect(await second.next()).toBe(0);
  });

  it('without a disk, numbers come from the clock and two outboxes never overlap', async () => {
    const x = Outbox.inMemory(realEnv.clock);
    const y = Outbox.inMemory(realEnv.clock);
    const fromX = await x.next();
    expect(fromX).toBeGreaterThan(Date.now() * 1000 - 10_000_000);
    expect(await y.next()).not.toBe(fromX);
  });

  it('rejects unknown settings and bugs by name', () => {
    expect(() => behaviourOf('twice')).toThrow(/unknown semantics "twice"/);
    expect(() => behaviourOf('exactly-once', 'sloppy')).toThrow(/unknown bug "sloppy"/);
  });
});

describe('server revival', () => {
  it('probes a server calls wait for, and wakes them on its first answer, not before', async () => {
    let up = false;
    const probed: string[] = [];
    const revival = new ServerRevival(async (node) => {
      probed.push(node);
      if (!up || node === 'n3') throw new Error('connection refused');
    });
    const woken: string[] = [];
    revival.wait('n2', () => woken.push('a'));
    revival.wait('n2', () => woken.push('b'));
    await sleep(200);
    expect(woken).toEqual([]);
    expect(probed.length).toBeGreaterThan(1);
    up = true;
    await waitFor(() => woken.length === 2, { timeoutMs: 5_000 });
    expect(woken.sort()).toEqual(['a', 'b']);
    // Nobody waits for n2 any more: its probing stopped, while n3, still down and waited for, is probed on.
    const stillDown = revival.wait('n3', () => woken.push('n3'));
    const probesOf = (node: string) => probed.filter((p) => p === node).length;
    const n2Probes = probesOf('n2');
    await waitFor(() => probesOf('n3') > 1, { timeoutMs: 5_000 });
    stillDown();
    expect(probesOf('n3')).toBeGreaterThan(1);
    expect(probesOf('n2')).toBe(n2Probes);
  });

  it('an answer to any call wakes the waiters at once; a cancelled wait is never woken', async () => {
    const revival = new ServerRevival(() => Promise.reject(new Error('down')));
    const woken: string[] = [];
    const cancel = revival.wait('n2', () => woken.push('cancelled'));
    revival.wait('n2', () => woken.push('kept'));
    revival.wait('n3', () => woken.push('other server'));
    cancel();
    revival.answered('n2');
    expect(woken).toEqual(['kept']);
    revival.answered('n3');
    expect(woken).toEqual(['kept', 'other server']);
  });
});
