import { connect, type Socket } from 'node:net';
import { encodeFrame, FrameDecoder } from '../../nodes/wire/frame.ts';

// A connection that speaks frames and nothing more: no hello of its own, no rid bookkeeping. What a second
// implementation sees of a chaoslab node, so tests can pin the node's answers to any first message.

export type RawAnswer = Record<string, unknown> & { type: string };

export class RawConnection {
  readonly answers: RawAnswer[] = [];
  /** Resolves once the node closed the connection. */
  readonly closed: Promise<void>;
  private readonly decoder = new FrameDecoder({ maxFrameBytes: 16 * 1024 * 1024 });
  private waiters = new Set<() => void>();

  private constructor(private readonly socket: Socket) {
    this.closed = new Promise((resolve) => socket.once('close', () => resolve()));
    socket.on('error', () => {});
    socket.on('data', (chunk: Buffer) => {
      for (const result of this.decoder.push(chunk)) if (result.ok) this.answers.push(result.message as RawAnswer);
      for (const wake of [...this.waiters]) wake();
    });
    socket.on('close', () => {
      for (const wake of [...this.waiters]) wake();
    });
  }

  static open(port: number): Promise<RawConnection> {
    return new Promise((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () => resolve(new RawConnection(socket)));
      socket.once('error', reject);
    });
  }

  /** Resolves once the node closed the connection; rejects if it has not within `timeoutMs`. */
  closedWithin(timeoutMs = 10_000): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`the node did not close the connection within ${timeoutMs} ms; answers: ${JSON.stringify(this.answers)}`)), timeoutMs);
    });
    return Promise.race([this.closed, late]).finally(() => clearTimeout(timer));
  }

  get isClosed(): boolean {
    return this.socket.destroyed || this.socket.readableEnded;
  }

  send(...messages: unknown[]): void {
    this.socket.write(Buffer.concat(messages.map((message) => encodeFrame(message))));
  }

  /** The first answer (seen or yet to come) that matches; rejects after `timeoutMs` or when the connection closed without it. */
  answer(match: (answer: RawAnswer) => boolean, timeoutMs = 10_000): Promise<RawAnswer> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const found = this.answers.find(match);
        if (found) return finish(() => resolve(found));
        if (this.socket.destroyed) finish(() => reject(new Error(`connection closed without a matching answer; got ${JSON.stringify(this.answers)}`)));
      };
      const timer = setTimeout(() => finish(() => reject(new Error(`no matching answer within ${timeoutMs} ms; got ${JSON.stringify(this.answers)}`))), timeoutMs);
      const finish = (settle: () => void) => {
        clearTimeout(timer);
        this.waiters.delete(check);
        settle();
      };
      this.waiters.add(check);
      check();
    });
  }

  /** The answer carrying `rid`. */
  answerTo(rid: number, timeoutMs?: number): Promise<RawAnswer> {
    return this.answer((answer) => answer.rid === rid, timeoutMs);
  }

  destroy(): void {
    this.socket.destroy();
  }
}
