import type { Clock } from './env/index.ts';

const lastClockStart = new WeakMap<Clock, number>();

/**
 * Where a sender without a disk starts its sequence numbers: the clock in microseconds, so that a restarted
 * sender never reuses a number of its previous life (receivers filter duplicates by id and forget below a
 * low-water mark). Two starts in one process are a million numbers apart, so senders made in the same
 * millisecond do not overlap (per clock: every simulation starts its own).
 */
export function clockSequenceStart(clock: Clock): number {
  const start = Math.max(clock.now() * 1000, (lastClockStart.get(clock) ?? 0) + 1_000_000);
  lastClockStart.set(clock, start);
  return start;
}
