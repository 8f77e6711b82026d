import type { Random } from '../random.ts';

/** `config.retransmit`: exponential backoff with jitter, capped in attempts and in time. */
export interface RetransmitPolicy {
  initialMs: number;
  maxMs: number;
  multiplier: number;
  /** Fraction of each delay that is randomised (0.2 = +-20%), so that senders do not retransmit in lock-step. */
  jitter: number;
  maxAttempts: number;
  giveUpMs: number;
}

export const DEFAULT_RETRANSMIT: RetransmitPolicy = {
  initialMs: 25,
  maxMs: 500,
  multiplier: 2,
  jitter: 0.2,
  maxAttempts: 50,
  giveUpMs: 15_000,
};

/** Delay before retransmission number `attempt` (1 = the first retransmission). */
export function retransmitDelay(policy: RetransmitPolicy, attempt: number, random: Random): number {
  const base = Math.min(policy.maxMs, policy.initialMs * policy.multiplier ** Math.max(0, attempt - 1));
  const spread = base * policy.jitter;
  return Math.max(1, base - spread + 2 * spread * random());
}
