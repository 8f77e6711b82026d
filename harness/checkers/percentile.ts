/**
 * The one percentile of chaoslab (checkers, report, benches): nearest rank of ascending `sorted`, so a
 * percentile is always a value that was measured. 0 for no samples.
 */
export function percentile(sorted: ArrayLike<number>, fraction: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.ceil(fraction * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}
