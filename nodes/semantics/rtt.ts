// Round-trip estimate for the retransmission timer (Jacobson/Karels, as TCP does): a timer shorter than the
// usual reply time retransmits every request spuriously, which floods a busy server with copies. Samples come
// only from replies to a first transmission (Karn's rule), since a reply to a retransmitted request is ambiguous.

export class RttEstimator {
  private smoothed: number | undefined;
  private variance = 0;

  sample(ms: number): void {
    if (this.smoothed === undefined) {
      this.smoothed = ms;
      this.variance = ms / 2;
      return;
    }
    this.variance = 0.75 * this.variance + 0.25 * Math.abs(this.smoothed - ms);
    this.smoothed = 0.875 * this.smoothed + 0.125 * ms;
  }

  /** Retransmission timeout: smoothed RTT plus four deviations; before any sample, the policy's cap. */
  timeout(capMs: number): number {
    return this.smoothed === undefined ? capMs : Math.min(capMs, this.smoothed + 4 * this.variance);
  }

  /** Least delay before retransmission number `attempt`: the timeout, doubled per attempt, up to the cap. */
  backoff(attempt: number, policy: { maxMs: number; multiplier: number }): number {
    return Math.min(policy.maxMs, this.timeout(policy.maxMs) * policy.multiplier ** Math.max(0, attempt - 1));
  }
}
