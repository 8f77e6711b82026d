/**
 * Fault density presets. A run lasts a few seconds, so rates are compressed in time: what matters is how many
 * windows overlap a run, how long each lasts against the retransmission timer (tens to hundreds of ms), and how
 * lossy a lossy window is.
 * - `light`: end-to-end Internet paths as Paxson measured them (1997: a few percent of packets lost, in bursts):
 *   up to two short windows of partial loss, no crash.
 * - `default`: Jepsen's combined nemesis, which keeps one fault of each kind coming every several seconds, scaled to
 *   a run of a few seconds: up to four windows of up to 800 ms, any kind, total loss.
 * - `heavy`: the bursty, correlated failures of data-centre studies (Gill et al., SIGCOMM 2011: failures come in
 *   groups, many links at once): up to eight overlapping windows of up to 1.5 s.
 */
export interface FaultPreset {
  /** Up to this many windows; none at all is drawn too, and is where shrinking ends when no fault is needed. */
  maxWindows: number;
  maxDurationMs: number;
  /** Loss, duplication and corruption probabilities are drawn from [minProbability, 1]. */
  minProbability: number;
  maxProbability: number;
  /** Crashes and pauses are drawn. */
  nodeFaults: boolean;
}

export const faultPresets = {
  light: { maxWindows: 2, maxDurationMs: 300, minProbability: 0.05, maxProbability: 0.5, nodeFaults: false },
  default: { maxWindows: 4, maxDurationMs: 800, minProbability: 0.3, maxProbability: 1, nodeFaults: true },
  heavy: { maxWindows: 8, maxDurationMs: 1500, minProbability: 0.5, maxProbability: 1, nodeFaults: true },
} as const satisfies Record<string, FaultPreset>;

export type FaultPresetName = keyof typeof faultPresets;

export function isFaultPresetName(name: string): name is FaultPresetName {
  return Object.hasOwn(faultPresets, name);
}
