import type { Journal, Recovery } from '../journal/journal.ts';
import type { LogEvent, LogFields } from '../log-events.ts';
import { DedupTable, type CachedReply, type CallKey } from './dedup.ts';
import type { Behaviour } from './settings.ts';

/** One time a procedure ran or a consumer acted on a message: the ground truth the harness checks. */
export interface Execution {
  id: string;
  node: string;
  by: string;
  key: CallKey;
  /** Epoch ms. */
  time: number;
  /** The body acted on matches the digest the sender computed. */
  intact: boolean;
  takenAt?: number;
  leaseUntil?: number;
  /** Which arrival of the message the consumer took (see Envelope.copy). */
  copy?: string;
}

/**
 * One journal record per finished request: its key, the reply it got and the executions it caused. Writing them
 * in ONE record is what makes exactly-once survive a SIGKILL at any instant: after a restart either the record is
 * whole (effect, dedup entry and cached reply all present) or absent (none of them, and no reply ever left).
 */
interface ExecRecord {
  t: 'exec';
  key: CallKey;
  lowWater?: number;
  reply: CachedReply;
  executions: Execution[];
}

/** The node's named journals (Node.journal): `<data>/<name>.journal`. */
export interface JournalOpener {
  open(name: string): Promise<Recovery>;
  /** Where recovery is reported (the node's log). */
  log?<E extends LogEvent>(event: E, fields: LogFields<E>): void;
}

/**
 * A node's execution log and dedup table. The log is durable in every setting (it is the ground truth);
 * whether the dedup table is rebuilt from it after a restart is what separates exactly-once from -volatile.
 */
export class ExecutionStore {
  readonly dedup: DedupTable | undefined;
  private executions: Execution[] = [];

  private constructor(
    private readonly behaviour: Behaviour,
    private readonly journal: Journal | undefined,
  ) {
    this.dedup = behaviour.dedups ? new DedupTable(behaviour.replyCache) : undefined;
  }

  /** @param journals without them (no data dir) the log lives in memory only and nothing survives a restart. */
  static async open(behaviour: Behaviour, journals: JournalOpener | undefined): Promise<ExecutionStore> {
    if (!journals) return new ExecutionStore(behaviour, undefined);
    const { journal, records, droppedBytes } = await journals.open('executions');
    const store = new ExecutionStore(behaviour, journal);
    for (const record of records) store.replay(record as ExecRecord);
    journals.log?.('executions-recovered', {
      records: records.length,
      executions: store.executions.length,
      dedupEntries: store.dedup?.size ?? 0,
      droppedBytes,
    });
    return store;
  }

  /** Make the executions (and, with dedup, the cached reply) durable together; resolves once on disk. */
  async commit(key: CallKey, reply: CachedReply, executions: Execution[], lowWater?: number): Promise<void> {
    const mark = lowWater !== undefined ? (this.dedup?.journaledMark(key.from, lowWater) ?? lowWater) : undefined;
    const record: ExecRecord = { t: 'exec', key, reply, executions, ...(mark !== undefined ? { lowWater: mark } : {}) };
    await this.journal?.append(record);
    this.executions.push(...executions);
  }

  list(): readonly Execution[] {
    return this.executions;
  }

  private replay(record: ExecRecord): void {
    if (record?.t !== 'exec') return;
    this.executions.push(...record.executions);
    if (this.behaviour.durableDedup) this.dedup?.remember(record.key, record.reply, record.lowWater);
  }
}
