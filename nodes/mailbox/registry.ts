import { TooManyMailboxes } from '../errors.ts';
import type { NodeCore } from '../runtime/core.ts';
import type { MessageId } from '../wire/messages.ts';
import { ArrivalStamps, Mailbox, type Envelope, type Lease, type MailboxContext } from './mailbox.ts';
import { MailboxStore } from './store.ts';

/** Mailboxes are created on first use, also by remote senders: a bound keeps a stream of new names from exhausting memory. */
const MAX_MAILBOXES = 10_000;
const COMPACT_AFTER_BYTES = 16 * 1024 * 1024;

/** A node's named mailboxes and, with a data dir, their journal (recovered on start, compacted as it grows). */
export class MailboxRegistry {
  private readonly mailboxes = new Map<string, Mailbox>();
  private journal: MailboxStore | undefined;
  private compacting = false;

  private readonly context: MailboxContext;

  constructor(private readonly core: NodeCore) {
    this.context = { clock: core.env.clock, arrivals: new ArrivalStamps(core.env.clock.now()) };
  }

  /** The mailboxes' journal, when the node has a data dir. */
  get store(): MailboxStore | undefined {
    return this.journal;
  }

  /** Get or create a mailbox; see `Node.mailbox`. */
  get(name: string, { capacity, internal = false }: { capacity?: number; internal?: boolean } = {}): Mailbox {
    let mailbox = this.mailboxes.get(name);
    if (!mailbox) {
      const { core } = this;
      if (this.mailboxes.size >= MAX_MAILBOXES) throw new TooManyMailboxes(`node '${core.id}' already has ${MAX_MAILBOXES} mailboxes; '${name}' not created`);
      const { counters } = core;
      const events = internal
        ? { take: () => void counters.takes++, done: () => void counters.dones++, redeliver: () => void counters.redeliveries++ }
        : { take: (lease: Lease) => this.onTake(lease), done: (lease: Lease) => this.onDone(lease), redeliver: (lease: Lease, reason: string) => this.onRedeliver(lease, reason) };
      mailbox = new Mailbox(name, capacity ?? core.config.mailboxCapacity, events, { sharedReceive: core.behaviour.sharedReceive }, this.context);
      this.mailboxes.set(name, mailbox);
    }
    return mailbox;
  }

  /** Reload the durable mailboxes; returns the log lines to write once `listening` is out. */
  async recover(): Promise<(() => void)[]> {
    const { core } = this;
    if (!core.config.data) return [];
    const { store, messages, nextSeq, droppedBytes } = await MailboxStore.open(core.config.data, core.env, { fsync: core.behaviour.fsyncsJournal });
    this.journal = store;
    const events: (() => void)[] = [];
    if (droppedBytes > 0) events.push(() => core.log('journal-truncated', { journal: 'mailboxes', droppedBytes }));
    for (const m of messages) {
      const envelope: Envelope = { id: m.id, from: m.from, body: m.body, mbox: m.mbox, deliveries: 0, journaled: true };
      this.get(m.mbox).restore(envelope);
    }
    events.push(() => core.log('recovered', { messages: messages.length, nextSeq }));
    return events;
  }

  /** done(): consumed in memory at once, and on disk before the promise resolves (when its arrival is). */
  async consume(mailbox: Mailbox, id: MessageId, receiver: string): Promise<void> {
    const lease = mailbox.done(id, receiver);
    const store = this.journal;
    if (!store || !lease.envelope.journaled) return;
    const written = store.consumed(lease.envelope);
    this.core.track(written);
    if (store.journal.bytes > COMPACT_AFTER_BYTES && !this.compacting) {
      this.compacting = true;
      const live = [...this.mailboxes.values()].flatMap((m) => m.snapshot());
      this.core.track(store.compact(live).finally(() => (this.compacting = false)));
    }
    await written;
  }

  /** A receiver went away (its connection closed): its leases go back to their mailboxes. */
  releaseReceiver(receiver: string): void {
    for (const mailbox of this.mailboxes.values()) mailbox.releaseReceiver(receiver);
  }

  stats(): Record<string, { queued: number; leased: number; capacity: number }> {
    return Object.fromEntries([...this.mailboxes].map(([name, m]) => [name, { queued: m.queued, leased: m.leased, capacity: m.capacity }]));
  }

  stop(): void {
    for (const mailbox of this.mailboxes.values()) mailbox.stop();
  }

  async close(): Promise<void> {
    await this.journal?.close();
  }

  private onTake(lease: Lease): void {
    this.core.counters.takes++;
    this.core.log('take', { id: lease.envelope.id, mbox: lease.envelope.mbox, receiver: lease.receiver, delivery: lease.envelope.deliveries });
  }

  private onDone(lease: Lease): void {
    this.core.counters.dones++;
    this.core.log('done', { id: lease.envelope.id, mbox: lease.envelope.mbox, receiver: lease.receiver });
  }

  private onRedeliver(lease: Lease, reason: string): void {
    this.core.counters.redeliveries++;
    this.core.log('redeliver', { id: lease.envelope.id, mbox: lease.envelope.mbox, receiver: lease.receiver, reason });
  }
}
