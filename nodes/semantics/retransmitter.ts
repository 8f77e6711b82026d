import { MailboxFull } from '../errors.ts';
import type { Clock, Timer } from '../env/index.ts';
import { sleep } from '../time.ts';
import { retransmitDelay, type RetransmitPolicy } from './backoff.ts';
import type { Random } from '../random.ts';

// The one home of sending again. Two reasons to send again:
// - `whileMailboxFull`: the destination answered `mailbox-full`, which certainly did not take the message, so the
//   same transmission is repeated after a growing pause until the caller's deadline (back-pressure, any setting);
// - a transmission failed or went unanswered, so the message is sent again on the policy's jittered schedule,
//   capped in attempts and in time (delivery semantics). `RetransmitTimer` counts the transmissions, draws each
//   pause and says when the limits allow no more; `retransmit` runs it one transmission at a time (1-way sends,
//   the send buffer), and an RPC call (nodes/rpc/call.ts) arms it at each launch, so that earlier transmissions
//   stay in flight, and fires it early when the server answers again.

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

/** One message's retransmission timer: its transmissions so far, its limits and the pause before the next. */
export class RetransmitTimer {
  private sentCount = 0;
  private timer: Timer | undefined;

  constructor(
    private readonly clock: Clock,
    private readonly policy: RetransmitPolicy,
    private readonly random: Random,
    private readonly limits: RetransmitLimits,
  ) {}

  /** Transmissions started so far. */
  get sent(): number {
    return this.sentCount;
  }

  /** No further transmission may start: the attempts are used up or the give-up time has come. */
  get spent(): boolean {
    return this.sentCount >= this.limits.attempts || this.clock.now() >= this.limits.giveUpAt;
  }

  /** Counts a transmission starting now and returns its number (1 is the first). */
  transmitting(): number {
    return ++this.sentCount;
  }

  /**
   * Runs `next` after the policy's jittered pause for the latest transmission: at least `floorMs` (a usual reply
   * time), and no later than `capAt` when given. Replaces a pause already armed.
   */
  arm(next: () => void, { floorMs = 0, capAt = Infinity }: { floorMs?: number; capAt?: number } = {}): void {
    this.clock.clearTimeout(this.timer);
    const pause = Math.max(retransmitDelay(this.policy, this.sentCount, this.random), floorMs);
    this.timer = this.clock.setTimeout(next, Math.max(0, Math.min(pause, capAt - this.clock.now())));
  }

  /** Drops the armed pause, if any. */
  disarm(): void {
    this.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }
}

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
  const timer = new RetransmitTimer(clock, policy, random, limits);
  for (;;) {
    if (limits.stopped?.()) return { delivered: false, attempts: timer.sent };
    const attempt = timer.transmitting();
    try {
      await transmission(attempt);
      return { delivered: true };
    } catch (error) {
      onFailure(error, attempt);
    }
    if (timer.spent) return { delivered: false, attempts: attempt };
    await new Promise<void>((resolve) => timer.arm(resolve, { capAt: limits.giveUpAt }));
  }
}
