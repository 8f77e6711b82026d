import { basename, join } from 'node:path';
import { Journal, type JournalEnv, type JournalOptions, type Recovery } from './journal.ts';
import type { LogEvent, LogFields } from '../log-events.ts';

type Log = <E extends LogEvent>(event: E, fields: LogFields<E>) => void;

/** Named durable journals in a node's data dir: `<data>/<name>.journal` (what `node.journal` is). */
export class Journals {
  private opened = new Map<string, Journal>();
  constructor(
    readonly dir: string,
    private readonly env: JournalEnv,
    /** The node's log: recovery is reported there. */
    readonly log: Log,
    private readonly options: JournalOptions = {},
  ) {}

  /** Open `<dir>/<name>.journal` (once per name), returning the records recovered from it. */
  async open(name: string): Promise<Recovery> {
    // `mailboxes` belongs to the runtime itself (nodes/mailbox/store.ts).
    if (!/^[A-Za-z0-9._-]+$/.test(name) || name === 'mailboxes') throw new Error(`bad journal name '${name}'`);
    if (this.opened.has(name)) throw new Error(`journal '${name}' is already open`);
    const path = join(this.dir, `${name}.journal`);
    const recovery = await Journal.open(path, this.env, this.options);
    if (recovery.droppedBytes > 0) {
      this.log('journal-truncated', { journal: basename(path, '.journal'), droppedBytes: recovery.droppedBytes, keptRecords: recovery.records.length });
    }
    this.opened.set(name, recovery.journal);
    return recovery;
  }

  async closeAll(): Promise<void> {
    await Promise.all([...this.opened.values()].map((j) => j.close()));
    this.opened.clear();
  }
}
