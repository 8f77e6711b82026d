import * as z from 'zod';
import { ConnectionLost, NotSent, RemoteError, Timeout } from '../errors.ts';
import type { RetransmitPolicy } from '../semantics/backoff.ts';
import type { CallKey } from '../semantics/dedup.ts';
import type { Outbox } from '../semantics/outbox.ts';
import type { Random } from '../random.ts';
import { RetransmitTimer } from '../semantics/retransmitter.ts';
import type { RttEstimator } from '../semantics/rtt.ts';
import type { ServerRevival } from '../semantics/revival.ts';
import type { Behaviour } from '../semantics/settings.ts';
import type { Clock, Timer } from '../env/index.ts';
import type { Binder } from './binder.ts';
import type { Caller } from './caller.ts';
import { isDefinite } from '../error-codes.ts';
import { CallGaveUp, CallNotSent, CallTimeout } from './errors.ts';

// One remote call under a delivery setting: the notes' request/acknowledge protocol with the reply as the
// acknowledgement. The call keeps one key (from, seq) for all its transmissions, so a deduplicating server can
// recognise them; a retransmission timer (exponential backoff with jitter) sends it again until a reply arrives
// or the attempts or time (`giveUpMs`) run out (indeterminate); the timer is the shared one
// (nodes/semantics/retransmitter.ts), armed at each launch. The deadline is how long the caller waits: when
// it passes, the caller gets CallTimeout, but a call that may have left goes on being retransmitted until it is
// acknowledged or given up on, so a fault that heals in time still sees it delivered (docs/SEMANTICS.md, a call
// whose caller gave up). Earlier transmissions stay in flight, so a late reply to any of them still settles it.

export const CallRequest = z.object({
  type: z.literal('call'),
  rid: z.number().int().nonnegative(),
  call: z.object({
    service: z.string().min(1),
    proc: z.string().min(1),
    /** Absent means no arguments: the procedure's schema decides whether it takes none. */
    args: z.unknown().optional(),
    key: z.object({ from: z.string().min(1), seq: z.number().int().nonnegative() }),
    /** Epoch ms: the sender stops trying to deliver the call then, so the server does not start it after it. */
    deadline: z.number(),
    /** Every seq of this sender below it is settled: the server may forget them. */
    lowWater: z.number().int().nonnegative().optional(),
  }),
});
export type CallRequest = z.infer<typeof CallRequest>;

const ReplyAnswer = z.object({
  type: z.literal('reply'),
  result: z.unknown().optional(),
  error: z.object({ code: z.string(), message: z.string() }).optional(),
});

export interface CallSetup {
  caller: Caller;
  /** The caller's clock (deadlines are epoch ms on it). */
  clock: Clock;
  binder: Binder;
  behaviour: Behaviour;
  policy: RetransmitPolicy;
  random: Random;
  /** Where sequence numbers come from and unsettled calls are kept (durably under exactly-once). */
  outbox: Outbox;
  deadlineMs: number;
  /** Shared by the calls of one sender: the retransmission timer never fires before a usual reply time. */
  rtt?: RttEstimator;
  /** Shared by the calls of one sender: a server answering again ends the wait of calls stuck on it. */
  revival?: ServerRevival;
  /** Told of every transmission (1 is the first send), so a caller can record which message key carried it. */
  onTransmit?: (transmission: { key: CallKey; attempt: number; node: string }) => void;
}

export interface CallTarget {
  service: string;
  procedure: string;
  args: unknown;
  resultSchema: z.ZodType;
}

/** When a call's transmissions stop: the give-up time for a retransmitting sender, else the caller's deadline. */
interface DeliveryWindow {
  /** The caller stops waiting (CallTimeout). */
  deadline: number;
  /** No new transmission after it. */
  giveUpAt: number;
  /** The last moment any transmission may be answered: the wire deadline, and every transmission's timeout. */
  lastChance: number;
}

function deliveryWindow(setup: CallSetup, now: number): DeliveryWindow {
  const deadline = now + setup.deadlineMs;
  const giveUpAt = setup.behaviour.retransmits ? now + setup.policy.giveUpMs : deadline;
  return { deadline, giveUpAt, lastChance: Math.max(deadline, giveUpAt) };
}

export async function performCall(setup: CallSetup, target: CallTarget): Promise<unknown> {
  const window = deliveryWindow(setup, setup.clock.now());
  const candidates = await setup.binder.candidates(target.service);
  const seq = await setup.outbox.next();
  const key = { from: setup.caller.identity, seq };
  const call = { service: target.service, proc: target.procedure, args: target.args, key, deadline: window.lastChance, lowWater: setup.outbox.lowWater() };
  await setup.outbox.track({ seq, target: candidates[0]!, message: { type: 'call', call } });
  const run = new Transmissions(setup, target, candidates, call, window);
  return run.outcome;
}

/** Send again a call that was unsettled when this sender last stopped (exactly-once's durable outbox). */
export async function resumeCall(setup: CallSetup, seq: number, node: string, message: Record<string, unknown>): Promise<void> {
  const window = deliveryWindow(setup, setup.clock.now());
  const call = { ...(message.call as CallRequest['call']), deadline: window.lastChance, lowWater: setup.outbox.lowWater() };
  const target: CallTarget = { service: call.service, procedure: call.proc, args: call.args, resultSchema: z.unknown() };
  const run = new Transmissions(setup, target, [node], call, window, seq);
  await run.outcome.catch(() => {});
}

/** Answers of a node that is up but does not serve calls yet (its programs are still starting). */
const NOT_SERVING_YET_CODES = new Set(['no-handler', 'no-such-service', 'invalid']);

class Transmissions {
  readonly outcome: Promise<unknown>;
  private resolve!: (value: unknown) => void;
  private reject!: (error: Error) => void;
  private finished = false;
  /** Counts the transmissions and holds the pause before the next one. */
  private readonly retransmissions: RetransmitTimer;
  private attemptsOnTarget = 0;
  private inFlight = 0;
  private exhausted = false;
  /** Transmissions per node that may have arrived (launched and not refused with NotSent). */
  private mayHaveArrived = new Map<string, number>();
  private refused = new Set<string>();
  private lastRefusal = '';
  private seqs: number[];
  private current: number = 0;
  /** Set while no transmission is in flight and the timer waits: cancels the wait for the server's revival. */
  private stopWaitingForRevival: (() => void) | undefined;
  private deadlineTimer: Timer;
  private readonly startedAt: number;

  constructor(
    private readonly setup: CallSetup,
    private readonly target: CallTarget,
    private readonly candidates: string[],
    private readonly call: CallRequest['call'],
    private readonly window: DeliveryWindow,
    seq = call.key.seq,
  ) {
    this.startedAt = setup.clock.now();
    this.seqs = [seq];
    // Without retransmission a call still tries each candidate once while it is refused (NotSent).
    const attempts = setup.behaviour.retransmits ? setup.policy.maxAttempts : candidates.length;
    this.retransmissions = new RetransmitTimer(setup.clock, setup.policy, setup.random, { attempts, giveUpAt: window.giveUpAt });
    this.outcome = new Promise((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
    this.deadlineTimer = this.setup.clock.setTimeout(() => this.onDeadline(), Math.max(0, window.deadline - this.setup.clock.now()));
    void this.launch();
  }

  /**
   * The caller stops waiting. A call that certainly never left is failed and stopped; one that may have left
   * is indeterminate to the caller, and its delivery goes on while the give-up time allows.
   */
  private onDeadline(): void {
    const error = this.unanswered('deadline');
    if (!this.maybeDelivered || !this.setup.behaviour.retransmits || this.setup.clock.now() >= this.window.giveUpAt) return this.fail(error);
    this.reject(error);
  }

  private get node(): string {
    return this.candidates[this.current % this.candidates.length]!;
  }

  private get maybeDelivered(): boolean {
    for (const count of this.mayHaveArrived.values()) if (count > 0) return true;
    return false;
  }

  private async launch(): Promise<void> {
    if (this.finished) return;
    this.stopWaitingForRevival?.();
    this.stopWaitingForRevival = undefined;
    const { behaviour, policy } = this.setup;
    if (this.retransmissions.spent) {
      this.exhausted = true;
      if (this.inFlight === 0) this.fail(this.unanswered('gave-up'));
      return;
    }
    this.chooseNode();
    const attempt = this.retransmissions.transmitting();
    this.attemptsOnTarget++;
    let key: CallKey = this.call.key;
    if (behaviour.freshIdPerRetransmit && attempt > 1) {
      key = { from: key.from, seq: await this.setup.outbox.next() };
      this.seqs.push(key.seq);
      if (this.finished) return;
    }
    const node = this.node;
    const message = { type: 'call', call: { ...this.call, key } };
    this.setup.onTransmit?.({ key, attempt, node });
    this.inFlight++;
    this.mayHaveArrived.set(node, (this.mayHaveArrived.get(node) ?? 0) + 1);
    this.setup.caller
      .request(node, message, { timeoutMs: Math.max(1, this.window.lastChance - this.setup.clock.now()) })
      .then(
        (answer) => this.onAnswer(node, answer),
        (error: Error) => this.onError(node, error),
      );
    if (behaviour.retransmits) {
      // The pause follows the transmissions started so far, as the policy's own delay does (`arm` draws it).
      const floorMs = this.setup.rtt?.backoff(this.retransmissions.sent, policy) ?? 0;
      this.retransmissions.arm(() => void this.launch(), { floorMs });
    }
  }

  /**
   * Rebinding to another replica is safe only while no transmission may have reached a server, except under
   * at-least-once, which accepts running the call on two replicas. Elsewhere a call that may have arrived stays
   * with its server: a different replica has a different dedup table.
   */
  private chooseNode(): void {
    if (this.retransmissions.sent === 0 || this.candidates.length < 2) return;
    const free = this.setup.behaviour.semantics === 'at-least-once' || !this.maybeDelivered;
    const stuck = this.refused.has(this.node) || this.attemptsOnTarget >= 3;
    if (free && stuck) {
      this.current++;
      this.attemptsOnTarget = 0;
    }
  }

  private onAnswer(node: string, raw: unknown): void {
    this.inFlight--;
    this.setup.revival?.answered(node);
    if (this.retransmissions.sent === 1) this.setup.rtt?.sample(this.setup.clock.now() - this.startedAt);
    const reply = ReplyAnswer.safeParse(raw);
    if (!reply.success) return this.fail(new RemoteError('invalid-reply', `${this.label(node)}: malformed reply`));
    if (reply.data.error) return this.onRemoteError(node, new RemoteError(reply.data.error.code, reply.data.error.message));
    const result = this.target.resultSchema.safeParse(reply.data.result);
    if (!result.success) return this.fail(new RemoteError('invalid-result', `${this.label(node)}: result does not match the declaration`));
    this.finish(() => this.resolve(result.data));
  }

  private onError(node: string, error: Error): void {
    this.inFlight--;
    if (error instanceof NotSent) {
      this.mayHaveArrived.set(node, (this.mayHaveArrived.get(node) ?? 1) - 1);
      this.refused.add(node);
      this.lastRefusal = error.message;
      this.setup.binder.suspect(node);
      if (!this.setup.behaviour.retransmits) return void this.launch();
    } else if (error instanceof RemoteError) {
      return this.onRemoteError(node, error);
    } else if (!(error instanceof ConnectionLost) && !(error instanceof Timeout)) {
      return this.fail(error);
    } else if (!this.setup.behaviour.retransmits) {
      // A transmission times out at the last chance, which is the deadline for a sender that does not retransmit:
      // that timer and the deadline's may fire in either order, and both mean the deadline passed.
      return this.fail(this.unanswered(error instanceof Timeout ? 'deadline' : 'lost'));
    }
    if (this.exhausted && this.inFlight === 0) return this.fail(this.unanswered('gave-up'));
    this.waitForRevival(node);
  }

  /** Nothing of this call is in flight any more: retransmit as soon as the server answers any call again. */
  private waitForRevival(node: string): void {
    if (this.inFlight > 0 || this.finished || this.exhausted || !this.setup.revival || this.stopWaitingForRevival) return;
    this.stopWaitingForRevival = this.setup.revival.wait(node, () => {
      this.stopWaitingForRevival = undefined;
      this.retransmissions.disarm();
      void this.launch();
    });
  }

  /** An answer that is an error: final. It proves "not executed" only if no other transmission may have run. */
  private onRemoteError(node: string, error: RemoteError): void {
    if (this.setup.behaviour.retransmits && NOT_SERVING_YET_CODES.has(error.code)) {
      // A server restarting after a crash listens before its programs serve: this transmission did not run,
      // and the retransmission timer keeps trying, as it would after a refused connection.
      this.mayHaveArrived.set(node, (this.mayHaveArrived.get(node) ?? 1) - 1);
      this.lastRefusal = error.message;
      if (this.exhausted && this.inFlight === 0) return this.fail(this.unanswered('gave-up'));
      return this.waitForRevival(node);
    }
    if (isDefinite(error.code)) {
      this.mayHaveArrived.set(node, (this.mayHaveArrived.get(node) ?? 1) - 1);
      if (this.maybeDelivered) {
        return this.fail(new CallGaveUp(this.target.service, this.target.procedure, node, this.retransmissions.sent, `${error.code} on a retransmission`));
      }
    }
    this.fail(error);
  }

  private unanswered(why: 'deadline' | 'gave-up' | 'lost'): Error {
    const { service, procedure } = this.target;
    if (!this.maybeDelivered) return new CallNotSent(service, procedure, [...this.refused], this.lastRefusal || 'no transmission left');
    if (why === 'deadline') return new CallTimeout(service, procedure, this.node, this.setup.deadlineMs);
    return new CallGaveUp(service, procedure, this.node, this.retransmissions.sent, why === 'lost' ? 'connection lost' : 'retransmission cap');
  }

  private label(node: string): string {
    return `${this.target.service}.${this.target.procedure} on node ${node}`;
  }

  private fail(error: Error): void {
    this.finish(() => this.reject(error));
  }

  private finish(settle: () => void): void {
    if (this.finished) return;
    this.finished = true;
    this.retransmissions.disarm();
    this.stopWaitingForRevival?.();
    this.setup.clock.clearTimeout(this.deadlineTimer);
    for (const seq of this.seqs) this.setup.outbox.settle(seq);
    settle();
  }
}
