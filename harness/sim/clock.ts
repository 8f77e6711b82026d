import type { Clock, Timer } from '../../nodes/env/index.ts';
import type { Scheduled, Scheduler } from './scheduler.ts';

// A node's clock in a simulation: virtual time from the scheduler, shown as epoch ms from a fixed start, so that a
// run's timestamps are the same every time. Each node has its own, which knows its pending timers: a crash takes
// them all (the node's memory is gone), and a dead node's code that still runs schedules nothing.

/** Virtual time 0 as wall-clock time: 2026-01-01T00:00:00Z. */
export const SIM_EPOCH_MS = Date.UTC(2026, 0, 1);

interface SimTimer {
  entry: Scheduled | undefined;
  interval?: number;
}

export class SimClock implements Clock {
  private readonly pending = new Set<SimTimer>();
  private dead = false;
  /** While paused (SIGSTOP), timers that come due wait here, in order, for resume. */
  private held: (() => void)[] | undefined;

  constructor(private readonly scheduler: Scheduler) {}

  /** Whole milliseconds, as Date.now gives them (node code counts on it: sequence starts, timestamps). */
  now(): number {
    return SIM_EPOCH_MS + Math.floor(this.scheduler.now);
  }

  setTimeout(run: () => void, ms: number): Timer {
    const timer: SimTimer = { entry: undefined };
    if (this.dead) return timer;
    timer.entry = this.scheduler.after(ms, () => {
      this.pending.delete(timer);
      this.fire(run);
    });
    this.pending.add(timer);
    return timer;
  }

  clearTimeout(timer: Timer | undefined): void {
    const sim = timer as SimTimer | undefined;
    if (!sim) return;
    this.scheduler.cancel(sim.entry);
    sim.entry = undefined;
    this.pending.delete(sim);
  }

  setInterval(run: () => void, ms: number): Timer {
    const timer: SimTimer = { entry: undefined, interval: Math.max(1, ms) };
    if (this.dead) return timer;
    const tick = () => {
      timer.entry = this.scheduler.after(timer.interval!, tick);
      // A stopped process misses the ticks of its pause, and catches up with one.
      if (this.held) {
        if (!this.held.includes(run)) this.held.push(run);
      } else run();
    };
    timer.entry = this.scheduler.after(timer.interval!, tick);
    this.pending.add(timer);
    return timer;
  }

  clearInterval(timer: Timer | undefined): void {
    this.clearTimeout(timer);
  }

  defer(run: () => void): void {
    this.setTimeout(run, 0);
  }

  /** The node is frozen (SIGSTOP): nothing of it runs until resume. */
  pause(): void {
    this.held ??= [];
  }

  /** The node runs again: what came due while it was frozen runs now, in order. */
  resume(): void {
    const held = this.held ?? [];
    this.held = undefined;
    for (const run of held) this.setTimeout(run, 0);
  }

  private fire(run: () => void): void {
    if (this.held) this.held.push(run);
    else run();
  }

  /** The node crashed: none of its timers fires, and none it asks for later will. */
  stop(): void {
    this.dead = true;
    this.held = undefined;
    for (const timer of this.pending) this.scheduler.cancel(timer.entry);
    this.pending.clear();
  }
}
