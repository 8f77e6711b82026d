// The receiver's memory of what it already did, per sender: (from, seq) -> running | done with its reply.
// A repeated request is not run again: it waits for the running copy or gets the cached reply. The sender
// piggybacks a low-water mark (every seq below it is settled and will never be sent again), which lets the
// table forget those entries, so it stays as small as the senders' windows of unsettled calls. Settled is not
// consumed, though: a 1-way message is settled once stored at the destination, where it may still be queued or
// leased. So a key whose message this node still holds is never forgotten (see keepHeld), nor are the entries
// above it.

export interface CallKey {
  from: string;
  seq: number;
}

/** What a call answered: exactly one of result or error. */
export interface CachedReply {
  result?: unknown;
  error?: { code: string; message: string };
}

/** What the dedup table says of a call key: a new call (admitted, to be finished), or a copy of a known one. */
export type DedupLookup =
  | { kind: 'new'; finish(reply: CachedReply): void }
  | { kind: 'running'; reply: Promise<CachedReply> }
  | { kind: 'done'; reply: CachedReply }
  /** Below the forgetting mark (the sender's low-water mark, see keepHeld): settled long ago and forgotten; its reply is gone. */
  | { kind: 'forgotten' };

type Entry = { state: 'running'; reply: Promise<CachedReply> } | { state: 'done'; reply: CachedReply };

interface SenderState {
  /** The highest low-water mark the sender sent. */
  lowWater: number;
  /** Done entries below this were dropped (the forgetting mark at the last advance). */
  prunedBelow: number;
  entries: Map<number, Entry>;
}

export class DedupTable {
  private senders = new Map<string, SenderState>();
  private oldestHeld: (from: string) => number | undefined = () => undefined;

  /** @param keepReplies false reproduces `no-reply-cache`: a finished call is forgotten, so a duplicate re-runs. */
  constructor(private readonly keepReplies = true) {}

  /**
   * Never forget a key whose message this node still holds unconsumed: `oldestHeld(from)` is the smallest seq of
   * `from` still queued or leased in the mailbox the table guards. Keys of `from` are then forgotten only below
   * the lower of the sender's low-water mark and that seq.
   */
  keepHeld(oldestHeld: (from: string) => number | undefined): void {
    this.oldestHeld = oldestHeld;
  }

  /**
   * The mark to journal with a record: `lowWater` lowered to the oldest message of `from` still held, so that
   * replaying the journal after a restart (before the mailbox is back) forgets no key the mailbox still holds.
   */
  journaledMark(from: string, lowWater: number): number {
    const held = this.oldestHeld(from);
    return held === undefined ? lowWater : Math.min(lowWater, held);
  }

  admit(key: CallKey, lowWater?: number): DedupLookup {
    return this.recall(key, lowWater) ?? this.start(key);
  }

  /**
   * What the table knows of this key (advancing the sender's low-water mark first), or undefined for a key it
   * has never seen. A server answers a known key before any other check: a copy of a call that may have run
   * must get that call's answer, never a refusal.
   */
  recall(key: CallKey, lowWater?: number): Exclude<DedupLookup, { kind: 'new' }> | undefined {
    const sender = this.sender(key.from);
    if (lowWater !== undefined) this.advance(key.from, sender, lowWater);
    const entry = sender.entries.get(key.seq);
    if (entry?.state === 'running') return { kind: 'running', reply: entry.reply };
    if (entry?.state === 'done') return { kind: 'done', reply: entry.reply };
    if (key.seq < this.forgetBelow(key.from, sender)) return { kind: 'forgotten' };
    return undefined;
  }

  /** Register an unknown key as running; its copies wait for the reply given to `finish`. */
  start(key: CallKey): Extract<DedupLookup, { kind: 'new' }> {
    const sender = this.sender(key.from);
    let settle!: (reply: CachedReply) => void;
    const reply = new Promise<CachedReply>((resolve) => (settle = resolve));
    sender.entries.set(key.seq, { state: 'running', reply });
    return {
      kind: 'new',
      finish: (answer) => {
        if (this.keepReplies && key.seq >= this.forgetBelow(key.from, sender)) sender.entries.set(key.seq, { state: 'done', reply: answer });
        else sender.entries.delete(key.seq);
        settle(answer);
      },
    };
  }

  /** Rebuild from the journal after a restart: this call finished with this reply. */
  remember(key: CallKey, reply: CachedReply, lowWater?: number): void {
    const sender = this.sender(key.from);
    if (lowWater !== undefined) this.advance(key.from, sender, lowWater);
    if (this.keepReplies && key.seq >= this.forgetBelow(key.from, sender)) sender.entries.set(key.seq, { state: 'done', reply });
  }

  /** Whether (from, seq) was seen and settled or is running (1-way admission asks this). */
  has(key: CallKey): boolean {
    const sender = this.senders.get(key.from);
    return !!sender && (sender.entries.has(key.seq) || key.seq < this.forgetBelow(key.from, sender));
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
      sender = { lowWater: 0, prunedBelow: 0, entries: new Map() };
      this.senders.set(from, sender);
    }
    return sender;
  }

  /** Keys of `from` below this are forgotten: the sender's mark, lowered to its oldest message still held here. */
  private forgetBelow(from: string, sender: SenderState): number {
    return this.journaledMark(from, sender.lowWater);
  }

  /**
   * Raise the sender's mark and drop the done entries below the forgetting mark. That mark also rises when a held
   * message is consumed, without a new mark from the sender: its entries go at the next message carrying one.
   */
  private advance(from: string, sender: SenderState, lowWater: number): void {
    if (lowWater > sender.lowWater) sender.lowWater = lowWater;
    const below = this.forgetBelow(from, sender);
    if (below <= sender.prunedBelow) return;
    sender.prunedBelow = below;
    for (const [seq, entry] of sender.entries) {
      // A running entry below the mark cannot happen with an honest sender; keep it so its duplicate still waits.
      if (seq < below && entry.state === 'done') sender.entries.delete(seq);
    }
  }
}
