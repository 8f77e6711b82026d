import { dirname, basename } from 'node:path';
import type { Env, File } from '../env/index.ts';
import { realEnv } from '../env/real.ts';
import { encodeFrame, FrameDecoder } from '../wire/frame.ts';

// A durable append-only record log: each record is one frame (length + CRC-32C + JSON), fsynced before append()
// resolves. The appends of one event-loop turn are written and fsynced together at its end (group commit), so
// durability costs one fsync per batch rather than one per record. The batch is written synchronously: handing
// each write and fsync to libuv's thread pool costs several times their CPU in thread wake-ups, and a node is
// CPU-bound long before its disk is; while the fsync waits, new requests queue up and form the next batch.

const MAX_RECORD_BYTES = 64 * 1024 * 1024;

/** A journal's world: its disk, and the clock whose turns batch its appends. */
export type JournalEnv = Pick<Env, 'disk' | 'clock'>;

export interface JournalOptions {
  /** false: appends are written and never fsynced (the `no-fsync` bug): they survive a process kill, not a power loss. */
  fsync?: boolean;
}

export interface Recovery {
  journal: Journal;
  records: unknown[];
  /** Bytes of a torn or corrupt tail that were cut off on open. */
  droppedBytes: number;
}

interface PendingAppend {
  frame: Buffer;
  /** The caller waits for the fsync; a batch of records nobody waits for is written without one. */
  durable: boolean;
  resolve: () => void;
  reject: (error: Error) => void;
}

export class Journal {
  private queue: PendingAppend[] = [];
  private closed = false;
  private failure: Error | undefined;

  private constructor(
    readonly path: string,
    private readonly env: JournalEnv,
    private file: File,
    private size: number,
    private readonly fsyncs: boolean,
  ) {}

  /**
   * Open (creating) the journal at `path` on the env's disk, recover every whole, checksum-valid record and cut off a bad
   * tail (the caller logs `journal-truncated` with the bytes dropped).
   */
  static async open(path: string, env: JournalEnv = realEnv, { fsync = true }: JournalOptions = {}): Promise<Recovery> {
    const { disk } = env;
    await disk.mkdir(dirname(path));
    const file = await disk.openAppend(path);
    const contents = await file.read();
    const decoder = new FrameDecoder({ maxFrameBytes: MAX_RECORD_BYTES });
    const records: unknown[] = [];
    let validBytes = 0;
    // Records are decoded one at a time so the first bad record marks the end of the trustworthy prefix.
    let offset = 0;
    while (offset + 8 <= contents.length) {
      const length = contents.readUInt32BE(offset);
      if (offset + 8 + length > contents.length) break;
      const [result] = decoder.push(contents.subarray(offset, offset + 8 + length));
      if (!result || !result.ok) break;
      records.push(result.message);
      offset += 8 + length;
      validBytes = offset;
    }
    const droppedBytes = contents.length - validBytes;
    if (droppedBytes > 0) {
      await file.truncate(validBytes);
      await file.sync();
    }
    return { journal: new Journal(path, env, file, validBytes, fsync), records, droppedBytes };
  }

  /** Bytes currently in the file. */
  get bytes(): number {
    return this.size;
  }

  /**
   * Append one record; resolves once it is on disk (fsynced). With `{ fsync: false }` it resolves once written
   * to the file: it survives the node's process being killed, and is fsynced with the next durable record, but
   * a machine that loses power may lose it (for records whose loss is harmless, like a settled request).
   */
  append(record: unknown, { fsync = true }: { fsync?: boolean } = {}): Promise<void> {
    if (this.closed) return Promise.reject(new Error(`journal ${this.path} is closed`));
    if (this.failure) return Promise.reject(this.failure);
    const frame = encodeFrame(record);
    return new Promise((resolve, reject) => {
      this.queue.push({ frame, durable: fsync, resolve, reject });
      this.schedule();
    });
  }

  private scheduled = false;
  private compacting: Promise<void> | undefined;

  private schedule(): void {
    if (this.scheduled || this.compacting) return;
    this.scheduled = true;
    this.env.clock.defer(() => {
      this.scheduled = false;
      this.flushQueue();
    });
  }

  /** Write and fsync every append queued so far, as one batch. */
  private flushQueue(): void {
    if (this.compacting || this.queue.length === 0) return;
    const batch = this.queue;
    this.queue = [];
    this.flush(batch);
  }

  private flush(batch: PendingAppend[]): void {
    try {
      const data = batch.length === 1 ? batch[0]!.frame : Buffer.concat(batch.map((p) => p.frame));
      this.file.appendSync(data);
      if (this.fsyncs && batch.some((p) => p.durable)) this.file.datasyncSync();
      this.size += data.length;
      for (const p of batch) p.resolve();
    } catch (error) {
      // A failed write leaves the file's tail unknown: refuse further appends rather than pretend.
      this.failure = error as Error;
      for (const p of [...batch, ...this.queue]) p.reject(this.failure);
      this.queue = [];
    }
  }

  /** Wait until every append issued so far is on disk. */
  async sync(): Promise<void> {
    while (this.compacting) await this.compacting;
    this.flushQueue();
  }

  /**
   * Replace the whole journal by `records`, atomically: write a new file, fsync it, rename it over the old one,
   * fsync the directory so the rename itself survives a crash. `records` must describe the state as of this
   * call: appends issued before it are flushed to the old file first, appends issued after it land in the new one.
   */
  async compact(records: unknown[]): Promise<void> {
    while (this.compacting) await this.compacting;
    this.flushQueue();
    const data = Buffer.concat(records.map((r) => encodeFrame(r)));
    const replaced = (async () => {
      const tmpPath = `${this.path}.compact`;
      const tmp = await this.env.disk.openTruncate(tmpPath);
      try {
        tmp.appendSync(data);
        await tmp.sync();
      } finally {
        await tmp.close();
      }
      await this.env.disk.rename(tmpPath, this.path);
      await this.env.disk.syncDir(dirname(this.path));
      await this.file.close();
      this.file = await this.env.disk.openAppend(this.path);
      this.size = data.length;
    })();
    this.compacting = replaced.finally(() => {
      this.compacting = undefined;
      this.schedule();
    });
    await this.compacting;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    await this.sync();
    this.closed = true;
    await this.file.close();
  }

  get name(): string {
    return basename(this.path, '.journal');
  }
}
