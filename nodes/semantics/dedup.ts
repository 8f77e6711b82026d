// The receiver's memory of what it already did, per sender: (from, seq) -> running | done with its reply.
// A repeated request is not run again: it waits for the running copy or gets the cached reply. The sender
// piggybacks a low-water mark (every seq below it is settled and will never be sent again), which lets the
// table forget those entries, so it stays as small as the senders' windows of unsettled calls.

export interface CallKey {
  from: string;
  seq: number;
}

/** What a call answered: exactly one of result or error. */
export interface CachedReply {
  result?: unknown;
  error?: { code: string; message: string };
}

export type Admission =
  | { kind: 'new'; finish(reply: CachedReply): void }
  | { kind: 'running'; reply: Promise<CachedReply> }
  | { kind: 'done'; reply: CachedReply }
  /** Below the sender's low-water mark: settled long ago and forgotten; its reply is gone. */
  | { kind: 'forgotten' };

type Entry = { state: 'running'; reply: Promise<CachedReply> } | { state: 'done'; reply: CachedReply };

interface SenderState {
  lowWater: number;
  entries: Map<number, Entry>;
}

export class DedupTable {
  private senders = new Map<string, SenderState>();

  /** @param keepReplies false reproduces `no-reply-cache`: a finished call is forgotten, so a duplicate re-runs. */
  constructor(private readonly keepReplies = true) {}

  admit(key: CallKey, lowWater?: number): Admission {
    return this.recall(key, lowWater) ?? this.start(key);
  }

  /**
   * What the table knows of this key (advancing the sender's low-water mark first), or undefined for a key it
   * has never seen. A server answers a known key before any other check: a copy of a call that may have run
   * must get that call's answer, never a refusal.
   */
  recall(key: CallKey, lowWater?: number): Exclude<Admission, { kind: 'new' }> | undefined {
    const sender = this.sender(key.from);
    if (lowWater !== undefined) this.advance(sender, lowWater);
    const entry = sender.entries.get(key.seq);
    if (entry?.state === 'running') return { kind: 'running', reply: entry.reply };
    if (entry?.state === 'done') return { kind: 'done', reply: entry.reply };
    if (key.seq < sender.lowWater) return { kind: 'forgotten' };
    return undefined;
  }

  /** Register an unknown key as running; its copies wait for the reply given to `finish`. */
  start(key: CallKey): Extract<Admission, { kind: 'new' }> {
    const sender = this.sender(key.from);
    let settle!: (reply: CachedReply) => void;
    const reply = new Promise<CachedReply>((resolve) => (settle = resolve));
    sender.entries.set(key.seq, { state: 'running', reply });
    return {
      kind: 'new',
      finish: (answer) => {
        if (this.keepReplies && key.seq >= sender.lowWater) sender.entries.set(key.seq, { state: 'done', reply: answer });
        else sender.entries.delete(key.seq);
        settle(answer);
      },
    };
  }

  /** Rebuild from the journal after a restart: this call finished with this reply. */
  remember(key: CallKey, reply: CachedReply, lowWater?: number): void {
    const sender = this.sender(key.from);
    if (lowWater !== undefined) this.advance(sender, lowWater);
    if (this.keepReplies && key.seq >= sender.lowWater) sender.entries.set(key.seq, { state: 'done', reply });
  }

  /** Whether (from, seq) was seen and settled or is running (1-way admission asks this). */
  has(key: CallKey): boolean {
    const sender = this.senders.get(key.from);
    return !!sender && (sender.entries.has(key.seq) || key.seq < sender.lowWater);
  }

  /** Entries held, over all senders: what the low-water mark keeps bounded. */
  get size(): number {
    let total = 0;
    for (const sender of this.senders.values()) total += sender.entries.size;
    return total;
  }

  private sender(from: string): SenderState {
    let sender = this.senders.get(from);
    if (!sender) {
      sender = { lowWater: 0, entries: new Map() };
      this.senders.set(from, sender);
    }
    return sender;
  }

  private advance(sender: SenderState, lowWater: number): void {
    if (lowWater <= sender.lowWater) return;
    sender.lowWater = lowWater;
    for (const [seq, entry] of sender.entries) {
      // A running entry below the mark cannot happen with an honest sender; keep it so its duplicate still waits.
      if (seq < lowWater && entry.state === 'done') sender.entries.delete(seq);
    }
  }
}
