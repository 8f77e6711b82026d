import { describe, expect, it } from 'vitest';
import type { Lab } from '../../harness/lab.ts';
import { randomFaults } from '../../harness/nemesis/generate.ts';
import type { Fault } from '../../harness/nemesis/fault.ts';
import { playSchedule } from '../../harness/nemesis/nemesis.ts';
import { realWorld } from '../../harness/world.ts';
import { planOps } from '../../harness/workload/generator.ts';
import { Rng } from '../../harness/random.ts';

describe('seeded randomness', () => {
  it('draws the same numbers from the same seed and different ones from another', () => {
    const draw = (seed: number) => Array.from({ length: 5 }, ((rng) => () => rng.next())(new Rng(seed)));
    expect(draw(42)).toEqual(draw(42));
    expect(draw(42)).not.toEqual(draw(43));
  });

  it('forks independent streams, so that one part of a run drawing more never shifts another', () => {
    const a = new Rng(7).fork('faults').next();
    const rng = new Rng(7);
    rng.fork('workload').next();
    expect(rng.fork('faults').next()).toBe(a);
  });
});

describe('workload plan', () => {
  it('is the same for the same seed, follows the mix, and spreads ops over client nodes', () => {
    const plan = (seed: number) => planOps(1000, { append: 3, send: 1 }, ['n1', 'n4'], new Rng(seed));
    expect(plan(1)).toEqual(plan(1));
    const sends = plan(1).filter((op) => op.f === 'send').length;
    expect(sends).toBeGreaterThan(150);
    expect(sends).toBeLessThan(350);
    expect(new Set(plan(1).map((op) => op.id)).size).toBe(1000);
    expect(plan(1).filter((op) => op.client === 'n4')).toHaveLength(500);
  });

  it('draws remote receives as a kind of its own', () => {
    const ops = planOps(300, { send: 1, receive: 1 }, ['n1', 'n3'], new Rng(3));
    const receives = ops.filter((op) => op.f === 'receive');
    expect(receives.length).toBeGreaterThan(100);
    expect(receives.length).toBeLessThan(200);
    expect(new Set(ops.map((op) => op.f))).toEqual(new Set(['send', 'receive']));
  });

  it('refuses a mix with nothing in it and a workload without client', () => {
    expect(() => planOps(1, {}, ['n1'], new Rng(1))).toThrow(/mix/);
    expect(() => planOps(1, { append: 1 }, [], new Rng(1))).toThrow(/client/);
  });
});

describe('generated fault schedules', () => {
  const generate = randomFaults({ kinds: ['lose-messages', 'lose-replies', 'crash'], links: ['n1->n2', 'n1->n3'], count: 6, spanMs: 1000 });
  const describeSchedule = (seed: number) =>
    generate(new Rng(seed)).map((w) => ({ kind: w.fault.kind, target: w.fault.target, at: w.at, duration: w.duration }));

  it('replays from the seed', () => {
    expect(describeSchedule(5)).toEqual(describeSchedule(5));
    expect(describeSchedule(5)).not.toEqual(describeSchedule(6));
  });

  it('never overlaps two windows on one target', () => {
    for (let seed = 0; seed < 50; seed++) {
      const windows = describeSchedule(seed);
      const byTarget = new Map<string, { at: number; end: number }[]>();
      for (const w of windows) {
        const key = String(w.target.node ?? w.target.link);
        const list = byTarget.get(key) ?? [];
        const at = w.at as number;
        for (const other of list) expect(at >= other.end || at + w.duration! <= other.at).toBe(true);
        list.push({ at: w.at as number, end: (w.at as number) + w.duration! });
        byTarget.set(key, list);
      }
    }
  });
});

describe('playing a schedule', () => {
  function recordingFault(kind: string, events: string[]): Fault {
    return {
      kind,
      target: {},
      start: async () => void events.push(`start ${kind}`),
      stop: async () => void events.push(`stop ${kind}`),
    };
  }

  it('starts faults at op counts and times, and stops every started one by the end of the workload', async () => {
    const events: string[] = [];
    let invoked = 0;
    const waiters: [number, () => void][] = [];
    let finish!: () => void;
    const finished = new Promise<void>((resolve) => (finish = resolve));
    const progress = {
      invoked: (count: number) => new Promise<void>((resolve) => (count <= invoked ? resolve() : waiters.push([count, resolve]))),
      finished,
    };
    let recorded = 0;
    const log = {
      faultStart: (fault: string) => {
        events.push(`log start ${fault}`);
        return `r${recorded++}`;
      },
      faultStop: (id: string) => void events.push(`log stop ${id}`),
    };
    const played = playSchedule(
      { world: realWorld } as Lab,
      [
        { fault: recordingFault('a', events), at: { ops: 3 }, until: { ops: 6 } },
        { fault: recordingFault('b', events), at: 0, duration: 10 },
        { fault: recordingFault('c', events), at: { ops: 5 } },
        { fault: recordingFault('never', events), at: { ops: 100 } },
      ],
      progress,
      log,
    );
    for (let i = 0; i < 10; i++) {
      invoked++;
      for (const [count, resolve] of waiters) if (count <= invoked) resolve();
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    finish();
    expect(await played).toBe(3);
    for (const kind of ['a', 'b', 'c']) {
      expect(events.indexOf(`start ${kind}`)).toBeGreaterThanOrEqual(0);
      expect(events.indexOf(`stop ${kind}`)).toBeGreaterThan(events.indexOf(`start ${kind}`));
    }
    expect(events).not.toContain('start never');
    expect(events.indexOf('start a')).toBeLessThan(events.indexOf('start c'));
    expect(events.filter((event) => event.startsWith('log stop r')).sort()).toEqual(['log stop r0', 'log stop r1', 'log stop r2']);
    // A window opens when the nemesis begins its fault (a crash takes effect before the kill's exit is awaited) and
    // closes once the fault is healed.
    for (const kind of ['a', 'b', 'c']) expect(events.indexOf(`log start ${kind}`)).toBeLessThan(events.indexOf(`start ${kind}`));
    expect(events.indexOf('log stop r0')).toBeGreaterThan(events.indexOf('stop b'));
  });
});
