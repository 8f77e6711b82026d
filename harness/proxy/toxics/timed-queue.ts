import type { Timer } from '../../../nodes/env/index.ts';
import { LONGEST_TIMER_MS, type Attributes, type StageContext } from '../toxic.ts';

/**
 * Chunks that leave at given times, in arrival order (a chunk never overtakes the one before it, as on a TCP
 * stream). One timer at a time, for the head of the queue. Shared by the toxics that hold bytes for a while.
 */
export class TimedQueue {
  private readonly items: { chunk: Buffer; due: number }[] = [];
  private timer: Timer | undefined;
  private ending = false;
  private endSent = false;

  constructor(private readonly context: StageContext<Attributes>) {}

  add(chunk: Buffer, due: number): void {
    const previous = this.items.at(-1);
    this.items.push({ chunk, due: previous ? Math.max(previous.due, due) : due });
    if (this.items.length === 1) this.schedule();
  }

  /** Time at which the last queued chunk leaves (now if nothing is queued). */
  lastDue(): number {
    return Math.max(this.context.clock.now(), this.items.at(-1)?.due ?? 0);
  }

  /** The end passes on once every held chunk has left. */
  end(): void {
    this.ending = true;
    if (this.items.length === 0) this.sendEnd();
  }

  releaseAll(): void {
    this.context.clock.clearTimeout(this.timer);
    this.timer = undefined;
    for (const item of this.items.splice(0)) this.context.emit(item.chunk);
    if (this.ending) this.sendEnd();
  }

  private schedule(): void {
    const head = this.items[0];
    if (!head) return;
    this.timer = this.context.clock.setTimeout(this.release, Math.min(LONGEST_TIMER_MS, Math.max(0, head.due - this.context.clock.now())));
  }

  private readonly release = (): void => {
    this.timer = undefined;
    const now = this.context.clock.now();
    while (this.items.length > 0 && this.items[0]!.due <= now) this.context.emit(this.items.shift()!.chunk);
    if (this.items.length > 0) this.schedule();
    else if (this.ending) this.sendEnd();
  };

  private sendEnd(): void {
    if (this.endSent) return;
    this.endSent = true;
    this.context.emitEnd();
  }
}
