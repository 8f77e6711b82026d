import { LeaseExpired, NodeStopped, ReceiveTimeout } from '../errors.ts';
import type { MessageId } from '../wire/messages.ts';
import type { Clock, Timer } from '../env/index.ts';
import { realEnv } from '../env/real.ts';
import { RoomWaiters } from '../room.ts';

// A mailbox is a bounded producer/consumer queue with leases. A receiver takes the head message under a lease;
// done() before the lease ends consumes it, otherwise it goes back to the head of the queue for another receiver.
// Capacity counts queued and leased messages together: memory stays bounded while receivers are slow.

export interface Envelope {
  id: MessageId;
  from: string;
  body: unknown;
  mbox: string;
  /** How many times it has been handed to a receiver. */
  deliveries: number;
  /** Called on every take (the 'received' acknowledgement hangs here). */
  onTaken?: () => void;
  /** Its arrival is in the node's journal, so its consumption must be too (else a restart would resurrect it). */
  journaled?: boolean;
  /**
   * Which arrival this is, set by the mailbox: two copies of one message (a retransmission queued again) differ,
   * a redelivery after a lease expired keeps it. Unique per node process, across its mailboxes and restarts.
   */
  copy?: string;
}

/** The arrival numbers of one node: a restarted node starts them afresh, its start time keeps them apart from the last run's. */
export class ArrivalStamps {
  private readonly incarnation: string;
  private arrivals = 0;

  constructor(startedAt: number) {
    this.incarnation = startedAt.toString(36);
  }

  stamp(envelope: Envelope): void {
    envelope.copy = `${this.incarnation}.${++this.arrivals}`;
  }
}

/** What a mailbox needs of its node: its clock, and the stamps its arrivals share with the node's other mailboxes. */
export interface MailboxContext {
  clock: Clock;
  arrivals: ArrivalStamps;
}

const standalone = (): MailboxContext => ({ clock: realEnv.clock, arrivals: new ArrivalStamps(realEnv.clock.now()) });

export interface Lease {
  envelope: Envelope;
  receiver: string;
  takenAt: number;
  leaseUntil: number;
}

export interface MailboxEvents {
  take(lease: Lease): void;
  done(lease: Lease): void;
  redeliver(lease: Lease, reason: 'lease-expired' | 'receiver-gone'): void;
}

export interface TakeOptions {
  receiver: string;
  timeoutMs?: number;
  leaseMs: number;
  signal?: AbortSignal;
}

interface Waiter {
  options: TakeOptions;
  resolve(lease: Lease): void;
  reject(error: Error): void;
  cleanup(): void;
}

interface HeldLease extends Lease {
  timer: Timer;
}

export const idKey = (id: MessageId) => `${id.from}:${id.seq}`;

export class Mailbox {
  private queue: Envelope[] = [];
  private leases = new Map<string, HeldLease[]>();
  private leaseCount = 0;
  private waiters: Waiter[] = [];
  private readonly spaceWaiters: RoomWaiters;
  private stopped = false;

  constructor(
    readonly name: string,
    readonly capacity: number,
    private readonly events: MailboxEvents,
    /** sharedReceive: the `shared-receive` bug (H3's bug zoo): a take does not claim, a second receiver gets it too. */
    private readonly faults: { sharedReceive?: boolean } = {},
    private readonly context: MailboxContext = standalone(),
  ) {
    this.spaceWaiters = new RoomWaiters(context.clock);
  }

  private sharedOnce = new WeakSet<Envelope>();

  /** Messages held: waiting in the queue plus leased to receivers. */
  get size(): number {
    return this.queue.length + this.leaseCount;
  }

  get queued(): number {
    return this.queue.length;
  }

  get leased(): number {
    return this.leaseCount;
  }

  get full(): boolean {
    return this.size >= this.capacity;
  }

  /** The smallest seq of `from` among the messages held, queued or leased (undefined when none is). */
  oldestHeld(from: string): number | undefined {
    let oldest: number | undefined;
    const consider = (envelope: Envelope) => {
      if (envelope.id.from === from && (oldest === undefined || envelope.id.seq < oldest)) oldest = envelope.id.seq;
    };
    for (const envelope of this.queue) consider(envelope);
    for (const held of this.leases.values()) for (const lease of held) consider(lease.envelope);
    return oldest;
  }

  /** Put a message at the tail; false (and nothing changes) when the mailbox is full. */
  offer(envelope: Envelope): boolean {
    if (this.stopped || this.full) return false;
    this.context.arrivals.stamp(envelope);
    this.queue.push(envelope);
    this.dispatch();
    return true;
  }

  /** Put back a message recovered from the journal: it was acknowledged, so it is kept even beyond capacity. */
  restore(envelope: Envelope): void {
    this.context.arrivals.stamp(envelope);
    this.queue.push(envelope);
    this.dispatch();
  }

  /** Resolves when there is room for one more message, or false after `timeoutMs`. */
  waitForSpace(timeoutMs: number): Promise<boolean> {
    if (!this.full) return Promise.resolve(true);
    return this.spaceWaiters.wait(timeoutMs);
  }

  /** Take the head message under a lease, waiting up to `timeoutMs` (forever when absent) for one to arrive. */
  take(options: TakeOptions): Promise<Lease> {
    if (this.stopped) return Promise.reject(new NodeStopped());
    if (options.signal?.aborted) return Promise.reject(new NodeStopped('receiver went away'));
    return new Promise<Lease>((resolve, reject) => {
      let timer: Timer | undefined;
      const onAbort = () => {
        this.removeWaiter(waiter);
        reject(new NodeStopped('receiver went away'));
      };
      const waiter: Waiter = {
        options,
        resolve,
        reject,
        cleanup: () => {
          if (timer) this.context.clock.clearTimeout(timer);
          options.signal?.removeEventListener('abort', onAbort);
        },
      };
      if (options.timeoutMs !== undefined) {
        timer = this.context.clock.setTimeout(() => {
          this.removeWaiter(waiter);
          reject(new ReceiveTimeout(`no message in mailbox '${this.name}' within ${options.timeoutMs} ms`));
        }, options.timeoutMs);
      }
      options.signal?.addEventListener('abort', onAbort, { once: true });
      this.waiters.push(waiter);
      this.dispatch();
    });
  }

  /** Consume a leased message. Throws LeaseExpired when `receiver` no longer holds it. */
  done(id: MessageId, receiver: string): Lease {
    const key = idKey(id);
    const held = this.leases.get(key);
    const lease = held?.find((l) => l.receiver === receiver);
    if (!held || !lease) {
      throw new LeaseExpired(`'${receiver}' holds no lease on ${key} in mailbox '${this.name}' (expired or never taken)`);
    }
    this.dropLease(key, held, lease);
    this.events.done(lease);
    this.wakeSpaceWaiter();
    return lease;
  }

  /** Hand back every message `receiver` holds (its connection closed): they go back to the head. */
  releaseReceiver(receiver: string): void {
    for (const [key, held] of [...this.leases]) {
      for (const lease of held.filter((l) => l.receiver === receiver)) this.requeue(key, held, lease, 'receiver-gone');
    }
  }

  /** Every message still held, queued or leased (what a durable mailbox must keep across a restart). */
  snapshot(): Envelope[] {
    const leased = [...this.leases.values()].flat().map((l) => l.envelope);
    return [...leased, ...this.queue];
  }

  stop(): void {
    this.stopped = true;
    for (const held of this.leases.values()) for (const lease of held) this.context.clock.clearTimeout(lease.timer);
    for (const waiter of this.waiters) {
      waiter.cleanup();
      waiter.reject(new NodeStopped());
    }
    this.waiters = [];
    this.spaceWaiters.wakeAll();
  }

  private dispatch(): void {
    while (this.queue.length > 0 && this.waiters.length > 0) {
      const waiter = this.waiters.shift()!;
      waiter.cleanup();
      const envelope = this.queue.shift()!;
      const takenAt = this.context.clock.now();
      const lease: HeldLease = {
        envelope,
        receiver: waiter.options.receiver,
        takenAt,
        leaseUntil: takenAt + waiter.options.leaseMs,
        timer: undefined as unknown as Timer,
      };
      const key = idKey(envelope.id);
      lease.timer = this.context.clock.setTimeout(() => {
        const held = this.leases.get(key);
        if (held?.includes(lease)) this.requeue(key, held, lease, 'lease-expired');
      }, waiter.options.leaseMs);
      const held = this.leases.get(key);
      if (held) held.push(lease);
      else this.leases.set(key, [lease]);
      this.leaseCount++;
      envelope.deliveries++;
      this.events.take(lease);
      envelope.onTaken?.();
      waiter.resolve(lease);
      if (this.faults.sharedReceive && this.waiters.length > 0 && !this.sharedOnce.has(envelope)) {
        this.sharedOnce.add(envelope);
        this.queue.unshift(envelope);
      }
    }
  }

  private requeue(key: string, held: HeldLease[], lease: HeldLease, reason: 'lease-expired' | 'receiver-gone'): void {
    this.dropLease(key, held, lease);
    if (this.stopped) return;
    this.queue.unshift(lease.envelope);
    this.events.redeliver(lease, reason);
    this.dispatch();
  }

  private dropLease(key: string, held: HeldLease[], lease: HeldLease): void {
    this.context.clock.clearTimeout(lease.timer);
    held.splice(held.indexOf(lease), 1);
    if (held.length === 0) this.leases.delete(key);
    this.leaseCount--;
  }

  private removeWaiter(waiter: Waiter): void {
    waiter.cleanup();
    this.waiters = this.waiters.filter((w) => w !== waiter);
  }

  private wakeSpaceWaiter(): void {
    this.spaceWaiters.wakeOne();
  }
}
