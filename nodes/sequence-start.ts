let lastClockStart = 0;

/**
 * Where a sender without a disk starts its sequence numbers: the clock in microseconds, so that a restarted
 * sender never reuses a number of its previous life (receivers filter duplicates by id and forget below a
 * low-water mark). Two starts in one process are a million numbers apart, so senders made in the same
 * millisecond do not overlap.
 */
export function clockSequenceStart(): number {
  lastClockStart = Math.max(Date.now() * 1000, lastClockStart + 1_000_000);
  return lastClockStart;
}
