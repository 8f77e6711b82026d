import type { Address } from './config.ts';
import type { Env } from './env/index.ts';
import { realEnv } from './env/real.ts';
import { Timeout } from './errors.ts';
import { whileMailboxFull } from './semantics/retransmitter.ts';
import { clockSequenceStart } from './sequence-start.ts';
import { OutboundConnection } from './transport/outbound.ts';
import { DEFAULT_MAX_FRAME_BYTES } from './wire/frame.ts';
import type { Answer, MessageId } from './wire/messages.ts';
import type { Delivery, SendUntil } from './node.ts';

// A connection to one node from the outside (harness, tests, tools): the same wire protocol nodes use among
// themselves, without being a node. Failures are the node runtime's typed errors (nodes/errors.ts).

export interface ClientOptions {
  /** Who we say we are in hello; also the `from` of our message ids. */
  identity?: string;
  credential?: string;
  /** The lab id we say in hello: a node of another lab refuses us, a welcome from one fails the connection. */
  lab?: string;
  maxFrameBytes?: number;
  connectTimeoutMs?: number;
  /** The world it connects in (the real one by default; a simulation passes its own). */
  env?: Env;
}

const DEFAULT_TIMEOUT_MS = 10_000;
const FULL_MAILBOX_BACKOFF = { initialMs: 25, maxMs: 500, multiplier: 2 };

export class NodeClient {
  private seq: number;

  private constructor(
    readonly identity: string,
    private readonly connection: OutboundConnection,
    readonly env: Env,
  ) {
    this.seq = clockSequenceStart(env.clock);
  }

  /** Connect and say hello; rejects NotSent when the node cannot be reached. */
  static async connect(address: Address, options: ClientOptions = {}): Promise<NodeClient> {
    const env = options.env ?? realEnv;
    const identity = options.identity ?? `client-${process.pid}-${env.unseededRandom()().toString(36).slice(2, 8)}`;
    const connection = await OutboundConnection.open(address, {
      env,
      hello: { node: identity, credential: options.credential, lab: options.lab },
      maxFrameBytes: options.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES,
      connectTimeoutMs: options.connectTimeoutMs,
    });
    return new NodeClient(identity, connection, env);
  }

  get isOpen(): boolean {
    return this.connection.isOpen;
  }

  /** Send any request; resolves with its answer (an `error` answer rejects with a typed error). */
  request(message: object, { timeoutMs = DEFAULT_TIMEOUT_MS }: { timeoutMs?: number } = {}): Promise<Answer> {
    return this.connection.request(message, timeoutMs);
  }

  /**
   * Put `body` in mailbox `to` of the node we are connected to. `local`: resolves once written to the socket
   * (we have no send buffer: nothing retries it); `remote`: once the node buffered it; `received`: once a receiver took
   * it. A full mailbox is retried until the timeout, then MailboxFull.
   */
  async send(to: string | { node?: string; mbox: string }, body: unknown, options: { until?: SendUntil; timeoutMs?: number; id?: MessageId } = {}): Promise<MessageId> {
    const target = typeof to === 'string' ? { mbox: to } : to;
    const until = options.until ?? 'remote';
    const id = options.id ?? { from: this.identity, seq: this.seq++ };
    const deadline = this.env.clock.now() + (options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
    const notify = until === 'received' ? 'received' : 'remote';
    const accept = (answer: Answer) => answer.type === 'ack' && (until !== 'received' || answer.stage === 'received');
    if (until === 'local') {
      this.connection.request({ type: 'send', id, to: target, body, notify }, deadline - this.env.clock.now(), accept).catch(() => {});
      return id;
    }
    await whileMailboxFull(
      this.env.clock,
      (remaining) => this.connection.request({ type: 'send', id, to: target, body, notify }, remaining, accept),
      deadline,
      FULL_MAILBOX_BACKOFF,
      () => new Timeout(`send to '${target.mbox}' timed out`),
    );
    return id;
  }

  /** Take one message from a mailbox of the node under a lease. Rejects ReceiveTimeout when none comes in time. */
  async receive(mbox: string, { timeoutMs = DEFAULT_TIMEOUT_MS, leaseMs }: { timeoutMs?: number; leaseMs?: number } = {}): Promise<Delivery> {
    // The node answers receive-timeout itself; our own timer is only the backstop for a lost answer.
    const answer = await this.connection.request({ type: 'receive', mbox, timeoutMs, leaseMs }, timeoutMs + 5_000);
    const id = answer.id as MessageId;
    return {
      id,
      from: answer.from as string,
      body: answer.body,
      mbox,
      receiver: answer.receiver as string,
      takenAt: answer.takenAt as number,
      leaseUntil: answer.leaseUntil as number,
      done: async () => {
        await this.connection.request({ type: 'done', mbox, id }, DEFAULT_TIMEOUT_MS);
      },
    };
  }

  /** The node's counters and mailbox sizes. */
  async stats(): Promise<Answer> {
    return this.request({ type: 'stats' });
  }

  /** Close after flushing what was written; resolves once the connection is closed. */
  close(): Promise<void> {
    return this.connection.close();
  }
}
