import type { Journal } from '../journal/journal.ts';
import type { Clock } from '../env/index.ts';
import { clockSequenceStart } from '../sequence-start.ts';
import type { JournalOpener } from './executions.ts';
import type { Behaviour } from './settings.ts';

/** A request the sender still owes an answer to: enough to send it again after a restart. */
export interface OutboxEntry {
  seq: number;
  /** The node it was bound to (the same server must see the retransmission for its dedup to work). */
  target: string;
  message: Record<string, unknown>;
}

type OutboxRecord =
  | { t: 'reserve'; upto: number }
  | { t: 'pending'; entry: OutboxEntry }
  | { t: 'settled'; seq: number };

const RESERVE_BLOCK = 1024;

/**
 * The sender's side of delivery semantics: where sequence numbers come from and which requests are unsettled.
 * exactly-once keeps both on disk (numbers are reserved in blocks, so a restart skips the rest of a block and
 * never reuses one; unsettled requests are retransmitted after a restart). The file is not compacted: it grows by
 * two small records per request, which a lab run affords. Without a disk the numbers start from
 * the clock, which also never goes back to an old number; the `seq-restart` bug starts from 0 again.
 */
export class Outbox {
  private nextSeq: number;
  private reservedUpTo = 0;
  private unsettled = new Set<number>();
  private pending = new Map<number, OutboxEntry>();

  private constructor(
    private readonly journal: Journal | undefined,
    firstSeq: number,
    private readonly recoveredEntries: OutboxEntry[] = [],
  ) {
    this.nextSeq = firstSeq;
    this.reservedUpTo = firstSeq;
    for (const entry of recoveredEntries) {
      this.pending.set(entry.seq, entry);
      this.unsettled.add(entry.seq);
    }
  }

  /** Numbers from the clock (microseconds), so a restarted sender still never reuses one; nothing on disk. */
  static inMemory(clock: Clock): Outbox {
    return new Outbox(undefined, clockSequenceStart(clock));
  }

  static async open(behaviour: Behaviour, journals: JournalOpener | undefined, clock: Clock): Promise<Outbox> {
    if (behaviour.sequenceRestartsAtZero) return new Outbox(undefined, 0);
    if (!behaviour.durableOutbox || !journals) return Outbox.inMemory(clock);
    const { journal, records } = await journals.open('outbox');
    let reserved = 0;
    const pending = new Map<number, OutboxEntry>();
    for (const record of records as OutboxRecord[]) {
      if (record.t === 'reserve') reserved = Math.max(reserved, record.upto);
      else if (record.t === 'pending') pending.set(record.entry.seq, record.entry);
      else if (record.t === 'settled') pending.delete(record.seq);
    }
    const outbox = new Outbox(journal, reserved, [...pending.values()]);
    journals.log?.('outbox-recovered', { nextSeq: reserved, unsettled: pending.size });
    return outbox;
  }

  /** Requests that were unsettled when the sender last stopped: to be retransmitted. */
  get recovered(): OutboxEntry[] {
    return this.recoveredEntries;
  }

  /** A fresh sequence number, never handed out before (durably so with a journal). */
  async next(): Promise<number> {
    const seq = this.nextSeq++;
    this.unsettled.add(seq);
    if (this.journal && seq >= this.reservedUpTo) {
      this.reservedUpTo = seq + RESERVE_BLOCK;
      await this.journal.append({ t: 'reserve', upto: this.reservedUpTo } satisfies OutboxRecord);
    }
    return seq;
  }

  /** Remember the request durably before it is first sent (exactly-once); a no-op otherwise. */
  async track(entry: OutboxEntry): Promise<void> {
    if (!this.journal) return;
    this.pending.set(entry.seq, entry);
    await this.journal.append({ t: 'pending', entry } satisfies OutboxRecord);
  }

  /** The request got its answer, or the sender gave up on it: it will never be sent again. */
  settle(seq: number): void {
    this.unsettled.delete(seq);
    if (!this.journal || !this.pending.delete(seq)) return;
    // Neither awaited nor fsynced: losing this record only means one harmless retransmission after a restart
    // (deduplicated), and an fsync per answered request would cost a sender as much as the request itself.
    this.journal.append({ t: 'settled', seq } satisfies OutboxRecord, { fsync: false }).catch(() => {});
  }

  /** Messages this sender still tries to deliver: sent, neither answered nor given up on. */
  get unsettledCount(): number {
    return this.unsettled.size;
  }

  /** Every sequence number below this is settled: piggybacked so receivers can forget them. */
  lowWater(): number {
    let low = this.nextSeq;
    for (const seq of this.unsettled) if (seq < low) low = seq;
    return low;
  }
}
