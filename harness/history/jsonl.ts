import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { z } from 'zod';

/** A record file that cannot be read as its schema says: names the file and the 1-based line. */
export class RecordFileError extends Error {
  constructor(
    readonly file: string,
    readonly line: number | undefined,
    problem: string,
  ) {
    super(line === undefined ? `${file}: ${problem}` : `${file}:${line}: ${problem}`);
    this.name = 'RecordFileError';
  }
}

function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => (issue.path.length > 0 ? `${issue.path.join('.')}: ${issue.message}` : issue.message))
    .join('; ');
}

/**
 * Reads a JSON-lines file line by line (a million-op history does not fit comfortably in one string),
 * validating each non-blank line against `schema`.
 */
export async function readJsonl<S extends z.ZodType>(file: string, schema: S): Promise<z.infer<S>[]> {
  const records: z.infer<S>[] = [];
  const stream = createReadStream(file, { encoding: 'utf8' });
  const opened = new Promise<void>((resolve, reject) => {
    stream.once('open', () => resolve());
    stream.once('error', reject);
  });
  try {
    await opened;
  } catch (error) {
    throw new RecordFileError(file, undefined, (error as Error).message);
  }
  const lines = createInterface({ input: stream, crlfDelay: Infinity });
  let lineNumber = 0;
  try {
    for await (const line of lines) {
      lineNumber += 1;
      if (line.trim() === '') continue;
      let json: unknown;
      try {
        json = JSON.parse(line);
      } catch (error) {
        throw new RecordFileError(file, lineNumber, `not JSON (${(error as Error).message})`);
      }
      const parsed = schema.safeParse(json);
      if (!parsed.success) throw new RecordFileError(file, lineNumber, describeIssues(parsed.error));
      records.push(parsed.data);
    }
  } finally {
    lines.close();
    stream.destroy();
  }
  return records;
}

/** Appends one JSON object per line as records arrive, so a run that dies still leaves what it saw. */
export class JsonlWriter<T> {
  private readonly stream: WriteStream;
  private failure: Error | undefined;

  constructor(readonly file: string) {
    this.stream = createWriteStream(file, { flags: 'w', encoding: 'utf8' });
    this.stream.on('error', (error) => {
      this.failure ??= error;
    });
  }

  /** Returns false when the caller should wait for `drained()` before writing much more. */
  write(record: T): boolean {
    if (this.failure) throw new RecordFileError(this.file, undefined, this.failure.message);
    return this.stream.write(`${JSON.stringify(record)}\n`);
  }

  drained(): Promise<void> {
    return new Promise((resolve) => {
      if (!this.stream.writableNeedDrain || this.stream.destroyed) return resolve();
      const done = () => {
        this.stream.off('drain', done);
        this.stream.off('close', done);
        resolve();
      };
      this.stream.on('drain', done);
      this.stream.on('close', done);
    });
  }

  /** Flushes and closes; rejects if any write failed on the way. */
  async close(): Promise<void> {
    if (!this.stream.closed) {
      // 'close' comes after a failed write too, where 'finish' never would.
      await new Promise<void>((resolve) => {
        this.stream.once('close', resolve);
        this.stream.end();
      });
    }
    if (this.failure) throw new RecordFileError(this.file, undefined, this.failure.message);
  }
}

/** Writes a whole file at once (used for the executions read at the end of a run, and by tests). */
export async function writeJsonl<T>(file: string, records: Iterable<T>): Promise<void> {
  const writer = new JsonlWriter<T>(file);
  try {
    for (const record of records) {
      if (!writer.write(record)) await writer.drained();
    }
  } finally {
    await writer.close();
  }
}
