import { ChaoslabError, ConnectionLost, NotSent, Timeout, errorFromAnswer } from '../errors.ts';
import { asAnswer, type Answer } from '../wire/messages.ts';
import { FramedConnection, type FrameDrop } from './connection.ts';
import type { Address } from '../config.ts';
import type { Env, Timer } from '../env/index.ts';

// The opening side of a connection: it sends hello, then requests each with a fresh `rid`, and matches the
// answers that come back on the same connection to the requests that wait for them.

/** What the opener says in its hello; `lab` (its lab id) is also what a welcome must carry, when it carries one. */
export interface Hello {
  node: string;
  credential?: string;
  lab?: string;
}

export interface OutboundOptions {
  /** The network it connects over and the clock of its time limits. */
  env: Pick<Env, 'net' | 'clock'>;
  hello: Hello;
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
  /**
   * Set when the connection is not usable: the other side refused our hello (an error that names no request), or
   * welcomed us as a node of another lab. Every request still waiting and every later one fails with it.
   */
  private refusal: ChaoslabError | undefined;

  private constructor(
    readonly address: Address,
    private readonly connection: FramedConnection,
    private readonly env: Pick<Env, 'net' | 'clock'>,
    private readonly lab: string | undefined,
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
        outbound = new OutboundConnection(address, connection, options.env, options.hello.lab);
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
    if (this.refusal) return;
    if (answer.type === 'welcome') {
      // A node of another lab (at an address our lab used a moment ago) that did not refuse us itself: nothing it
      // answers may count. What it may have run already is unknown, as after any lost connection.
      if (this.lab !== undefined && typeof answer.lab === 'string' && answer.lab !== this.lab) {
        this.unusable(new ConnectionLost(`${this.where} is node '${String(answer.node)}' of lab '${answer.lab}', not of our lab '${this.lab}'`));
      }
      return;
    }
    if (answer.rid === undefined) {
      // Only a refused hello refuses the connection. Another error without rid is a lost hello (`hello-missing`:
      // the close that follows fails pending requests as a lost connection, which callers retry) or answers one
      // garbled message (e.g. a corrupt frame that a skip-checksum node parsed and found without rid).
      if (answer.type === 'error' && answer.code === 'unauthenticated') this.refusal = errorFromAnswer(answer);
      // The node refused us before serving anything on this connection: like a refused connect, nothing was sent,
      // and the sender tries again as it would after one.
      if (answer.type === 'error' && answer.code === 'wrong-lab') this.unusable(new NotSent(`${this.where} refused us: ${String(answer.message)}`));
      return;
    }
    const pending = this.pending.get(answer.rid);
    if (!pending) return; // late answer to a request that timed out
    if (answer.type === 'error') this.settle(answer.rid)!.reject(errorFromAnswer(answer));
    else if (pending.accept(answer)) this.settle(answer.rid)!.resolve(answer);
  }

  private onClose(): void {
    const error = this.refusal ?? new ConnectionLost(`connection to ${this.where} closed before the answer`);
    for (const rid of [...this.pending.keys()]) this.settle(rid)!.reject(error);
  }

  private get where(): string {
    return `${this.address.host}:${this.address.port}`;
  }

  /** Fail what waits and what comes with `error`, and close: a pool opens a new connection on the next request. */
  private unusable(error: ChaoslabError): void {
    this.refusal = error;
    for (const rid of [...this.pending.keys()]) this.settle(rid)!.reject(error);
    this.connection.destroy();
  }

  private settle(rid: number): Pending | undefined {
    const pending = this.pending.get(rid);
    if (!pending) return undefined;
    this.env.clock.clearTimeout(pending.timer);
    this.pending.delete(rid);
    return pending;
  }
}
