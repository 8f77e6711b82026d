import { ConnectionLost, NotSent, RemoteError, Timeout, errorFromAnswer } from '../errors.ts';
import { asAnswer, type Answer } from '../wire/messages.ts';
import { FramedConnection, type FrameDrop } from './connection.ts';
import type { Address } from '../config.ts';
import type { Env, Timer } from '../env/index.ts';

// The opening side of a connection: it sends hello, then requests each with a fresh `rid`, and matches the
// answers that come back on the same connection to the requests that wait for them.

export interface OutboundOptions {
  /** The network it connects over and the clock of its time limits. */
  env: Pick<Env, 'net' | 'clock'>;
  hello: { node: string; credential?: string };
  maxFrameBytes: number;
  connectTimeoutMs?: number;
  /** Told about bad frames on the answer side, so they are counted like inbound ones. */
  onDrop?: (reason: FrameDrop, detail: string) => void;
  onClose?: () => void;
}

interface Pending {
  accept: (answer: Answer) => boolean;
  resolve: (answer: Answer) => void;
  reject: (error: Error) => void;
  timer: Timer;
}

export class OutboundConnection {
  private nextRid = 1;
  private pending = new Map<number, Pending>();
  /** Set when the other side refused us with an error that names no request (bad hello). */
  private refusal: RemoteError | undefined;

  private constructor(
    readonly address: Address,
    private readonly connection: FramedConnection,
    private readonly env: Pick<Env, 'net' | 'clock'>,
  ) {}

  /** Connect and say hello. Rejects NotSent: when this fails, nothing was sent. */
  static open(address: Address, options: OutboundOptions): Promise<OutboundConnection> {
    return new Promise((resolve, reject) => {
      const { net, clock } = options.env;
      const socket = net.connect(address);
      const timer = clock.setTimeout(() => {
        socket.destroy();
        reject(new NotSent(`connect to ${address.host}:${address.port} timed out`));
      }, options.connectTimeoutMs ?? 5000);
      socket.once('error', (error) => {
        clock.clearTimeout(timer);
        reject(new NotSent(`connect to ${address.host}:${address.port} failed: ${error.message}`));
      });
      socket.once('connect', () => {
        clock.clearTimeout(timer);
        let outbound: OutboundConnection | undefined;
        const connection = new FramedConnection(socket, clock, options.maxFrameBytes, {
          message: (raw) => outbound?.onAnswer(raw),
          drop: (reason, detail) => options.onDrop?.(reason, detail),
          close: () => {
            outbound?.onClose();
            options.onClose?.();
          },
        });
        outbound = new OutboundConnection(address, connection, options.env);
        connection.write({ type: 'hello', ...options.hello });
        resolve(outbound);
      });
    });
  }

  get isOpen(): boolean {
    return this.connection.isOpen;
  }

  get connectionId(): number {
    return this.connection.id;
  }

  /**
   * Send `message` with a fresh rid; resolve with the first answer carrying that rid that `accept` takes
   * (default: the first one). An `error` answer rejects with its typed error.
   */
  request(message: object, timeoutMs: number, accept: (answer: Answer) => boolean = () => true): Promise<Answer> {
    const rid = this.nextRid++;
    return this.requestWithRid(rid, { ...message, rid }, timeoutMs, accept);
  }

  /** Allocate a rid without sending, for callers that must put it in their message themselves. */
  allocateRid(): number {
    return this.nextRid++;
  }

  requestWithRid(rid: number, message: object, timeoutMs: number, accept: (answer: Answer) => boolean = () => true): Promise<Answer> {
    if (this.refusal) return Promise.reject(this.refusal);
    return new Promise((resolve, reject) => {
      const timer = this.env.clock.setTimeout(() => {
        this.pending.delete(rid);
        reject(new Timeout(`no answer to rid ${rid} from ${this.address.host}:${this.address.port} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(rid, { accept, resolve, reject, timer });
      if (!this.connection.write(message)) {
        this.settle(rid)?.reject(new NotSent(`connection to ${this.address.host}:${this.address.port} already closed`));
      }
    });
  }

  close(): Promise<void> {
    return this.connection.end();
  }

  destroy(): void {
    this.connection.destroy();
  }

  private onAnswer(raw: unknown): void {
    const answer = asAnswer(raw);
    if (!answer) return;
    if (answer.rid === undefined) {
      // Only a refused hello refuses the connection. Another error without rid is a lost hello (`hello-missing`:
      // the close that follows fails pending requests as a lost connection, which callers retry) or answers one
      // garbled message (e.g. a corrupt frame that a skip-checksum node parsed and found without rid).
      if (answer.type === 'error' && answer.code === 'unauthenticated') this.refusal = errorFromAnswer(answer);
      return;
    }
    const pending = this.pending.get(answer.rid);
    if (!pending) return; // late answer to a request that timed out
    if (answer.type === 'error') this.settle(answer.rid)!.reject(errorFromAnswer(answer));
    else if (pending.accept(answer)) this.settle(answer.rid)!.resolve(answer);
  }

  private onClose(): void {
    const error = this.refusal ?? new ConnectionLost(`connection to ${this.address.host}:${this.address.port} closed before the answer`);
    for (const rid of [...this.pending.keys()]) this.settle(rid)!.reject(error);
  }

  private settle(rid: number): Pending | undefined {
    const pending = this.pending.get(rid);
    if (!pending) return undefined;
    this.env.clock.clearTimeout(pending.timer);
    this.pending.delete(rid);
    return pending;
  }
}
