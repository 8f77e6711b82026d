import { describe, expect, it } from 'vitest';
import { SimClock, SIM_EPOCH_MS } from '../../harness/sim/clock.ts';
import { Scheduler, SimTimeLimit } from '../../harness/sim/scheduler.ts';
import { sleep } from '../../nodes/time.ts';

describe('the scheduler', () => {
  it('runs timers in (time, insertion) order on virtual time, microtasks in between', async () => {
    const scheduler = new Scheduler();
    const seen: string[] = [];
    scheduler.after(10, () => seen.push('b@10'));
    scheduler.after(5, () => {
      seen.push('a@5');
      void Promise.resolve().then(() => seen.push('a-microtask'));
    });
    scheduler.after(10, () => seen.push('c@10'));
    const cancelled = scheduler.after(7, () => seen.push('never'));
    scheduler.cancel(cancelled);
    const done = new Promise<number>((resolve) => scheduler.after(20, () => resolve(scheduler.now)));
    expect(await scheduler.run(done, 1_000)).toBe(20);
    expect(seen).toEqual(['a@5', 'a-microtask', 'b@10', 'c@10']);
  });

  it('an hour of sleeps takes no real time', async () => {
    const scheduler = new Scheduler();
    const clock = new SimClock(scheduler);
    const started = Date.now();
    const slept = (async () => {
      for (let i = 0; i < 60; i++) await sleep(clock, 60_000);
      return clock.now();
    })();
    expect(await scheduler.run(slept, 4_000_000)).toBe(SIM_EPOCH_MS + 3_600_000);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('stops at its time limit, and when nothing is left to run', async () => {
    const scheduler = new Scheduler();
    const clock = new SimClock(scheduler);
    await expect(scheduler.run(sleep(clock, 500), 100)).rejects.toBeInstanceOf(SimTimeLimit);
    await expect(scheduler.run(new Promise(() => {}), 1_000)).rejects.toThrow(/nothing left to run/);
  });

  it('a stopped clock fires none of its timers, also those asked for later', async () => {
    const scheduler = new Scheduler();
    const clock = new SimClock(scheduler);
    const fired: string[] = [];
    clock.setTimeout(() => fired.push('before'), 10);
    clock.setInterval(() => fired.push('tick'), 3);
    clock.stop();
    clock.setTimeout(() => fired.push('after'), 1);
    await scheduler.run(new Promise((resolve) => scheduler.after(50, () => resolve(undefined))), 100);
    expect(fired).toEqual([]);
  });

  it('a paused clock holds what comes due and runs it, in order, on resume', async () => {
    const scheduler = new Scheduler();
    const clock = new SimClock(scheduler);
    const fired: string[] = [];
    clock.setTimeout(() => fired.push(`a@${scheduler.now}`), 10);
    clock.setTimeout(() => fired.push(`b@${scheduler.now}`), 20);
    scheduler.after(5, () => clock.pause());
    scheduler.after(50, () => clock.resume());
    await scheduler.run(new Promise((resolve) => scheduler.after(60, () => resolve(undefined))), 100);
    expect(fired).toEqual(['a@50', 'b@50']);
  });
});
