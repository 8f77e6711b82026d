import { join } from 'node:path';
import { Journal, type JournalEnv, type JournalOptions } from '../journal/journal.ts';
import type { MessageId } from '../wire/messages.ts';
import { idKey, type Envelope } from './mailbox.ts';

// What a node with a data dir keeps across a crash, in `<data>/mailboxes.journal`: every message it acknowledged
// at the `remote` stage and has not seen consumed, and the high-water mark of its own sequence numbers.
// Records: {k:'seq', upTo} | {k:'in', mbox, id, from, body} | {k:'out', mbox, id}.

export const SEQ_BLOCK = 1000;

type Entry = { k: 'in'; mbox: string; id: MessageId; from: string; body: unknown };
type StoreRecord = { k: 'seq'; upTo: number } | Entry | { k: 'out'; mbox: string; id: MessageId };

export interface RecoveredState {
  store: MailboxStore;
  /** Acknowledged and not consumed, in arrival order. */
  messages: Entry[];
  /** First sequence number that is certainly unused. */
  nextSeq: number;
  droppedBytes: number;
}

export class MailboxStore {
  private reservedUpTo: number;
  private reserving: Promise<void> | undefined;

  private constructor(
    readonly journal: Journal,
    private nextSeq: number,
  ) {
    this.reservedUpTo = nextSeq;
  }

  static async open(dataDir: string, env: JournalEnv, options: JournalOptions = {}): Promise<RecoveredState> {
    const { journal, records, droppedBytes } = await Journal.open(join(dataDir, 'mailboxes.journal'), env, options);
    const live = new Map<string, Entry[]>();
    let nextSeq = 0;
    for (const record of records as StoreRecord[]) {
      if (record.k === 'seq') nextSeq = Math.max(nextSeq, record.upTo);
      else if (record.k === 'in') {
        const key = `${record.mbox}/${idKey(record.id)}`;
        live.set(key, [...(live.get(key) ?? []), record]);
      } else if (record.k === 'out') {
        const key = `${record.mbox}/${idKey(record.id)}`;
        const entries = live.get(key);
        entries?.shift();
        if (entries?.length === 0) live.delete(key);
      }
    }
    const messages = [...live.values()].flat();
    const store = new MailboxStore(journal, nextSeq);
    // Start each run from a compact file: the live messages and the sequence mark, nothing consumed.
    await journal.compact([{ k: 'seq', upTo: nextSeq }, ...messages]);
    return { store, messages, nextSeq, droppedBytes };
  }

  /** The next sequence number, durably reserved: a restarted node never reuses one. */
  async allocateSeq(): Promise<number> {
    while (this.nextSeq >= this.reservedUpTo) await this.reserve();
    const seq = this.nextSeq++;
    // Reserve the next block ahead of time so that senders rarely wait for an fsync.
    if (this.reservedUpTo - this.nextSeq < SEQ_BLOCK / 2 && !this.reserving) void this.reserve().catch(() => {});
    return seq;
  }

  private reserve(): Promise<void> {
    this.reserving ??= (async () => {
      const upTo = Math.max(this.reservedUpTo, this.nextSeq) + SEQ_BLOCK;
      await this.journal.append({ k: 'seq', upTo });
      this.reservedUpTo = upTo;
    })().finally(() => {
      this.reserving = undefined;
    });
    return this.reserving;
  }

  enqueued(envelope: Envelope): Promise<void> {
    return this.journal.append({ k: 'in', mbox: envelope.mbox, id: envelope.id, from: envelope.from, body: envelope.body });
  }

  consumed(envelope: Envelope): Promise<void> {
    return this.journal.append({ k: 'out', mbox: envelope.mbox, id: envelope.id });
  }

  /** Rewrite the journal to the live messages (keeps it from growing without bound). */
  compact(live: Envelope[]): Promise<void> {
    const messages = live.map((e) => ({ k: 'in', mbox: e.mbox, id: e.id, from: e.from, body: e.body }));
    return this.journal.compact([{ k: 'seq', upTo: this.reservedUpTo }, ...messages]);
  }

  close(): Promise<void> {
    return this.journal.close();
  }
}
