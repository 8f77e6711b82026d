import type { Clock, Socket } from '../env/index.ts';
import { encodeFrame, FrameDecoder, type DropReason } from '../wire/frame.ts';

// A TCP socket speaking frames: whole, checksum-valid payloads go up as messages, bad frames as drops.
// Writes made in one event-loop turn leave in one TCP segment burst (cork until the next tick), which is what
// makes pipelined sends cheap.

export type FrameDrop = DropReason | 'partial';

export interface ConnectionEvents {
  message(raw: unknown): void;
  drop(reason: FrameDrop, detail: string): void;
  close(): void;
}

/** Connection numbers, per clock: a simulation numbers its own from 1, whatever else ran in the process. */
const lastConnectionId = new WeakMap<Clock, number>();

export class FramedConnection {
  readonly id: number;
  private readonly decoder: FrameDecoder;
  private corked = false;
  private closed = false;

  constructor(
    readonly socket: Socket,
    private readonly clock: Clock,
    maxFrameBytes: number,
    private readonly events: ConnectionEvents,
    decoding: { verifyChecksum?: boolean } = {},
  ) {
    this.id = (lastConnectionId.get(clock) ?? 0) + 1;
    lastConnectionId.set(clock, this.id);
    this.decoder = new FrameDecoder({ maxFrameBytes, ...decoding });
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', () => {
      // 'close' follows every error; the owner learns of the loss there.
    });
    socket.on('close', () => this.onClose());
  }

  get isOpen(): boolean {
    return !this.closed && !this.socket.destroyed;
  }

  get remote(): string {
    return `${this.socket.remoteAddress}:${this.socket.remotePort}`;
  }

  /** Queue one message; false when the connection is already gone (the message did not leave). */
  write(message: unknown): boolean {
    if (!this.isOpen) return false;
    if (!this.corked) {
      this.corked = true;
      this.socket.cork();
      process.nextTick(() => {
        this.corked = false;
        this.socket.uncork();
      });
    }
    this.socket.write(encodeFrame(message));
    return true;
  }

  /** Close after flushing what was written; resolves once the socket is closed. */
  end(): Promise<void> {
    if (this.socket.closed) return Promise.resolve();
    const closed = new Promise<void>((resolve) => this.socket.once('close', () => resolve()));
    this.socket.end();
    // A peer that never closes its side must not keep us waiting.
    const timer = this.clock.setTimeout(() => this.socket.destroy(), 2_000);
    return closed.finally(() => this.clock.clearTimeout(timer));
  }

  destroy(): void {
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    for (const result of this.decoder.push(chunk)) {
      if (result.ok) this.events.message(result.message);
      else this.events.drop(result.reason, result.detail);
      if (this.closed) return;
    }
    if (this.decoder.closed) {
      // After an oversize header the stream cannot be resynchronised: nothing more on it can be trusted.
      this.socket.destroy();
    }
  }

  private onClose(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.decoder.pendingBytes > 0 && !this.decoder.closed) {
      this.events.drop('partial', `connection ended ${this.decoder.pendingBytes} bytes into a frame`);
    }
    this.events.close();
  }
}
