import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import { createConnection } from 'node:net';
import type { Address } from '../../harness/backends/backend.ts';
import type { LogLine } from './node-process.ts';
import { waitFor } from './wait.ts';

type LinePredicate = (line: LogLine) => boolean;

/**
 * A lab node seen from its JSON-lines log file in the run folder, as tests read a NodeProcess: the lines of its
 * current life (since its last `listening`), waits on them, and whether it answers at its address.
 */
export class NodeLog {
  constructor(
    readonly file: string,
    private readonly at: () => Address,
  ) {}

  get address(): Address {
    return this.at();
  }

  /** Every line of the node's current life. */
  get lines(): LogLine[] {
    this.readNew();
    return this.all.slice(this.lifeStart);
  }

  private readonly all: LogLine[] = [];
  /** Index in `all` of the current life's `listening` line. */
  private lifeStart = 0;
  private offset = 0;
  private partial = '';

  /** Reads only what was appended since the last read: a node's log grows long over many restarts. */
  private readNew(): void {
    if (!existsSync(this.file)) return;
    const size = statSync(this.file).size;
    if (size <= this.offset) return;
    const buffer = Buffer.alloc(size - this.offset);
    const fd = openSync(this.file, 'r');
    try {
      readSync(fd, buffer, 0, buffer.length, this.offset);
    } finally {
      closeSync(fd);
    }
    this.offset = size;
    const texts = (this.partial + buffer.toString('utf8')).split('\n');
    this.partial = texts.pop() ?? '';
    for (const text of texts) {
      if (!text.startsWith('{')) continue;
      try {
        const line = JSON.parse(text) as LogLine;
        if (line.event === 'listening') this.lifeStart = this.all.length;
        this.all.push(line);
      } catch {
        // not a log line (a node writes only whole lines)
      }
    }
  }

  events(event: string, predicate: LinePredicate = () => true): LogLine[] {
    return this.lines.filter((line) => line.event === event && predicate(line));
  }

  /** The first line of the current life matching (seen or yet to come); rejects after `timeoutMs`. */
  async waitFor(match: string | LinePredicate, timeoutMs = 10_000): Promise<LogLine> {
    const predicate = typeof match === 'string' ? (line: LogLine) => line.event === match : match;
    let found: LogLine | undefined;
    await waitFor(() => (found = this.lines.find(predicate)) !== undefined, { timeoutMs, everyMs: 20 });
    if (!found) throw new Error(`${this.file}: no log line matching ${String(match)} within ${timeoutMs} ms\n${this.tail()}`);
    return found;
  }

  /** Resolves once `count` lines of the current life match. */
  async waitForCount(match: string | LinePredicate, count: number, timeoutMs = 10_000): Promise<void> {
    const predicate = typeof match === 'string' ? (line: LogLine) => line.event === match : match;
    const enough = () => this.lines.filter(predicate).length >= count;
    if (!(await waitFor(enough, { timeoutMs, everyMs: 20 }))) throw new Error(`${this.file}: fewer than ${count} lines matching ${String(match)} within ${timeoutMs} ms\n${this.tail()}`);
  }

  /** Whether the node accepts a connection at its address. */
  answers(timeoutMs = 2_000): Promise<boolean> {
    return new Promise((resolve) => {
      const socket = createConnection(this.address);
      const done = (up: boolean) => {
        socket.destroy();
        resolve(up);
      };
      socket.setTimeout(timeoutMs, () => done(false));
      socket.once('connect', () => done(true));
      socket.once('error', () => done(false));
    });
  }

  tail(lines = 20): string {
    return this.lines
      .slice(-lines)
      .map((line) => JSON.stringify(line))
      .join('\n');
  }
}
