import { closeSync, createReadStream, openSync, writeFileSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import type * as z from 'zod';

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
 * The lines of a text file. A file up to READ_WHOLE_BYTES is read at once (a run's files usually are, and reading
 * them whole costs a fraction of a line reader); a bigger one (a million-op history does not fit comfortably in
 * one string) is streamed line by line. Fails with RecordFileError when the file cannot be opened.
 */
export async function* readLines(file: string): AsyncGenerator<string> {
  let size: number;
  try {
    size = (await stat(file)).size;
  } catch (error) {
    throw new RecordFileError(file, undefined, (error as Error).message);
  }
  if (size <= READ_WHOLE_BYTES) {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      throw new RecordFileError(file, undefined, (error as Error).message);
    }
    const lines = text.split('\n');
    if (lines.at(-1) === '') lines.pop();
    yield* lines.map((line) => (line.endsWith('\r') ? line.slice(0, -1) : line));
    return;
  }
  const stream = createReadStream(file, { encoding: 'utf8' });
  const lines = createInterface({ input: stream, crlfDelay: Infinity });
  try {
    yield* lines;
  } catch (error) {
    throw new RecordFileError(file, undefined, (error as Error).message);
  } finally {
    lines.close();
    stream.destroy();
  }
}

const READ_WHOLE_BYTES = 16 * 1024 * 1024;

/** Reads a JSON-lines file, validating each non-blank line against `schema`. */
export async function readJsonl<S extends z.ZodType>(file: string, schema: S): Promise<z.infer<S>[]> {
  const records: z.infer<S>[] = [];
  let lineNumber = 0;
  for await (const line of readLines(file)) {
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
  return records;
}

/**
 * Appends one JSON object per line as records arrive, so a run that dies still leaves what it saw. The lines of
 * one event-loop turn go to the file in one synchronous write: a record costs no thread hand-off (the workload
 * records two per op while the machine is busiest), and what was recorded is in the file by the next turn.
 */
export class JsonlWriter<T> {
  private readonly fd: number;
  private pending: string[] = [];
  private pendingLength = 0;
  private scheduled = false;
  private failure: Error | undefined;
  private closed = false;

  constructor(readonly file: string) {
    try {
      this.fd = openSync(file, 'w');
    } catch (error) {
      throw new RecordFileError(file, undefined, (error as Error).message);
    }
  }

  write(record: T): void {
    if (this.failure) throw new RecordFileError(this.file, undefined, this.failure.message);
    if (this.closed) throw new RecordFileError(this.file, undefined, 'written after close');
    const line = `${JSON.stringify(record)}\n`;
    this.pending.push(line);
    this.pendingLength += line.length;
    // A whole file written at once (the executions) goes out in pieces rather than as one huge string.
    if (this.pendingLength >= FLUSH_AT_LENGTH) this.flush();
    else if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.flush());
    }
  }

  /** Flushes and closes; rejects if any write failed on the way. */
  async close(): Promise<void> {
    if (!this.closed) {
      this.flush();
      this.closed = true;
      closeSync(this.fd);
    }
    if (this.failure) throw new RecordFileError(this.file, undefined, this.failure.message);
  }

  private flush(): void {
    this.scheduled = false;
    if (this.pending.length === 0 || this.closed || this.failure) return;
    const text = this.pending.join('');
    this.pending = [];
    this.pendingLength = 0;
    try {
      writeFileSync(this.fd, text);
    } catch (error) {
      this.failure = error as Error;
    }
  }
}

/** Pending lines past this many characters are written at once instead of at the end of the turn. */
const FLUSH_AT_LENGTH = 1 << 20;

/** Writes a whole file at once (used for the executions read at the end of a run, and by tests). */
export async function writeJsonl<T>(file: string, records: Iterable<T>): Promise<void> {
  const writer = new JsonlWriter<T>(file);
  try {
    for (const record of records) writer.write(record);
  } finally {
    await writer.close();
  }
}
