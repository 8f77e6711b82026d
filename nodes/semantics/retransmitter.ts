import { MailboxFull } from '../errors.ts';
import type { Clock } from '../env/index.ts';
import { sleep } from '../time.ts';
import { retransmitDelay, type RetransmitPolicy } from './backoff.ts';
import type { Random } from '../random.ts';

// The one home of sending again. Two loops, for two reasons to send again:
// - `whileMailboxFull`: the destination answered `mailbox-full`, which certainly did not take the message, so the
//   same transmission is repeated after a growing pause until the caller's deadline (back-pressure, any setting);
// - `retransmit`: a transmission failed or went unanswered, so the message is sent again on the policy's jittered
//   schedule, capped in attempts and in time (delivery semantics; the caller decides which failures allow it).
// The RPC layer's `Transmissions` (nodes/rpc/call.ts) keeps its own event-driven schedule, since it runs
// transmissions in parallel and waits for a server's revival, but draws its delays from the same policy.

/** Repeat `transmission` while it is refused with MailboxFull and `deadline` leaves room for the next pause. */
export async function whileMailboxFull<T>(
  clock: Clock,
  transmission: (remainingMs: number) => Promise<T>,
  deadline: number,
  backoff: Pick<RetransmitPolicy, 'initialMs' | 'maxMs' | 'multiplier'>,
  timedOut: () => Error,
): Promise<T> {
  let pause = backoff.initialMs;
  for (;;) {
    const remaining = deadline - clock.now();
    if (remaining <= 0) throw timedOut();
    try {
      return await transmission(remaining);
    } catch (error) {
      if (!(error instanceof MailboxFull) || deadline - clock.now() <= pause) throw error;
      await sleep(clock, pause);
      pause = Math.min(pause * backoff.multiplier, backoff.maxMs);
    }
  }
}

export interface RetransmitLimits {
  /** Transmissions at most (1: never retransmit). */
  attempts: number;
  /** No transmission starts after this time (epoch ms). */
  giveUpAt: number;
  /** Checked before each transmission: true ends the loop as if exhausted. */
  stopped?: () => boolean;
}

export type Retransmitted = { delivered: true } | { delivered: false; attempts: number };

/**
 * Send with `transmission(attempt)` (attempt 1 is the first transmission) until one resolves. A failure goes to
 * `onFailure`, which throws to end it all (a failure that forbids sending again) or returns to go on; then the
 * policy's jittered delay, capped at the give-up time. Resolves `delivered: false` once the limits are reached.
 */
export async function retransmit(
  clock: Clock,
  policy: RetransmitPolicy,
  random: Random,
  limits: RetransmitLimits,
  transmission: (attempt: number) => Promise<void>,
  onFailure: (error: unknown, attempt: number) => void,
): Promise<Retransmitted> {
  for (let attempt = 1; ; attempt++) {
    if (limits.stopped?.()) return { delivered: false, attempts: attempt - 1 };
    try {
      await transmission(attempt);
      return { delivered: true };
    } catch (error) {
      onFailure(error, attempt);
    }
    if (attempt >= limits.attempts || clock.now() >= limits.giveUpAt) return { delivered: false, attempts: attempt };
    await sleep(clock, Math.min(retransmitDelay(policy, attempt, random), limits.giveUpAt - clock.now()));
  }
}
