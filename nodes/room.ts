import type { Clock } from './env/index.ts';

/**
 * Callers parked until there is room (in a mailbox, in the send buffer), each with its own time limit. Freeing one slot
 * wakes one caller; stopping wakes them all, and each re-checks for itself why it woke.
 */
export class RoomWaiters {
  private waiting: (() => void)[] = [];

  constructor(private readonly clock: Clock) {}

  /** Resolves true when woken, false when `timeoutMs` passed first. */
  wait(timeoutMs: number): Promise<boolean> {
    return new Promise((resolve) => {
      const wake = () => {
        this.clock.clearTimeout(timer);
        resolve(true);
      };
      const timer = this.clock.setTimeout(() => {
        this.waiting = this.waiting.filter((w) => w !== wake);
        resolve(false);
      }, timeoutMs);
      this.waiting.push(wake);
    });
  }

  wakeOne(): void {
    this.waiting.shift()?.();
  }

  wakeAll(): void {
    const waiting = this.waiting;
    this.waiting = [];
    for (const wake of waiting) wake();
  }
}
