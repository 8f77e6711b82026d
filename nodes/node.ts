import { parseNodeConfig, type Address, type NodeConfig, type NodeConfigInput } from './config.ts';
import type { Env, Listener } from './env/index.ts';
import { realEnv } from './env/real.ts';
import { NodeStopped, NotSent } from './errors.ts';
import { Journals } from './journal/journals.ts';
import type { LogEvent, LogFields } from './log-events.ts';
import type { Mailbox } from './mailbox/mailbox.ts';
import { MailboxRegistry } from './mailbox/registry.ts';
import { NodeCore, type NodeCounters } from './runtime/core.ts';
import { HandlerRegistry, type Handler } from './runtime/handlers.ts';
import { InboundSession, type Admission, type Authenticator, type InboundDeps } from './runtime/inbound.ts';
import { Sender, type SendOptions } from './runtime/sender.ts';
import { ConnectionPool } from './transport/pool.ts';
import type { MessageId } from './wire/messages.ts';

export type { MessageId } from './wire/messages.ts';
export type { NodeCounters } from './runtime/core.ts';
export type { Handler, HandlerContext } from './runtime/handlers.ts';
export type { Admission, Authenticator } from './runtime/inbound.ts';
export type { SendOptions, SendUntil } from './runtime/sender.ts';
export { Journals } from './journal/journals.ts';

export interface ReceiveOptions {
  timeoutMs?: number;
  leaseMs?: number;
  /** Name of the receiver, for logs and histories; unique per call by default. */
  receiver?: string;
}

export interface Delivery {
  id: MessageId;
  from: string;
  body: unknown;
  mbox: string;
  receiver: string;
  takenAt: number;
  leaseUntil: number;
  /** Which arrival of the message this is (a retransmitted copy is another one; a redelivery keeps it). */
  copy?: string;
  /** Consume the message. Rejects LeaseExpired when the lease ran out (it went back to the mailbox). */
  done(): Promise<void>;
}

export type Resolver = (node: string) => Promise<Address>;

export interface StartOptions {
  /** The world the node runs in: its clock, network, disk and randomness (the real one by default). */
  env?: Env;
}

/**
 * The runtime a program runs in: named mailboxes, send/receive, request/answer over framed TCP. A thin front over
 * its parts: the mailbox registry, the sender, the inbound sessions and the handler registry.
 */
export class Node {
  readonly id: string;
  readonly config: NodeConfig;
  /** Durable journals under the data dir (undefined without one). */
  readonly journal: Journals | undefined;
  readonly counters: NodeCounters;
  /** Its clock, network, disk and randomness: programs take theirs from here. */
  readonly env: Env;

  private readonly core: NodeCore;
  private readonly mailboxes: MailboxRegistry;
  private readonly handlers: HandlerRegistry;
  private readonly sender: Sender;
  private readonly pool: ConnectionPool;
  private readonly inbound: InboundDeps;
  private readonly sessions = new Set<InboundSession>();
  private listener: Listener | undefined;
  private boundPort = 0;
  private receiverCount = 0;
  private resolver: Resolver;

  private constructor(config: NodeConfig, env: Env) {
    this.env = env;
    this.core = new NodeCore(config, env);
    this.id = config.id;
    this.config = config;
    this.counters = this.core.counters;
    this.journal = config.data
      ? new Journals(config.data, env, (event, fields) => this.core.log(event, fields), { fsync: this.core.behaviour.fsyncsJournal })
      : undefined;
    this.resolver = async (node) => {
      const address = this.config.peers[node];
      if (!address) throw new NotSent(`no address for node '${node}' (not in peers)`);
      return address;
    };
    const { core } = this;
    this.pool = new ConnectionPool({
      env,
      hello: () => ({ node: this.id, credential: this.config.security?.credential, lab: this.config.lab }),
      maxFrameBytes: config.maxFrameBytes,
      resolve: (node) => this.resolver(node),
      onConnect: (node, address) => {
        core.counters.connections++;
        core.log('connect', { peer: node, direction: 'out', address });
      },
      onDisconnect: (node) => core.log('disconnect', { peer: node, direction: 'out' }),
      onDrop: (node, reason, detail) => {
        core.counters.rejectedFrames++;
        core.drop(reason, { peer: node, detail });
      },
    });
    this.mailboxes = new MailboxRegistry(core);
    this.handlers = new HandlerRegistry(core);
    this.sender = new Sender(core, this.mailboxes, this.pool);
    this.inbound = {
      core,
      mailboxes: this.mailboxes,
      handlers: this.handlers,
      hooks: { authenticator: (hello) => ({ identity: hello.node }), admission: () => 'deliver' },
    };
  }

  /** Validate the config, recover durable mailboxes, listen. Resolves once the port is bound. */
  static async start(input: NodeConfigInput | NodeConfig, { env = realEnv }: StartOptions = {}): Promise<Node> {
    const node = new Node(parseNodeConfig(input), env);
    // Recover before accepting connections, so that recovered messages come before new ones; but log it after
    // `listening`, which watchers expect as the first line.
    const recovered = await node.mailboxes.recover();
    await node.listen();
    for (const logRecovery of recovered) logRecovery();
    return node;
  }

  get port(): number {
    return this.boundPort;
  }

  log<E extends LogEvent>(event: E, fields: LogFields<E>): void {
    this.core.log(event, fields);
  }

  /**
   * Get or create a local mailbox. An `internal` one is a program's own work queue (the RPC server's call queue):
   * its entries are counted but not logged one by one, since the request they carry is logged on arrival and
   * their ids are local counters that name no message of the protocol.
   */
  mailbox(name: string, options: { capacity?: number; internal?: boolean } = {}): Mailbox {
    return this.mailboxes.get(name, options);
  }

  setResolver(resolver: Resolver): void {
    this.resolver = resolver;
  }

  setAuthenticator(authenticator: Authenticator): void {
    this.inbound.hooks.authenticator = authenticator;
  }

  setAdmission(admission: Admission): void {
    this.inbound.hooks.admission = admission;
  }

  /** Serve requests of `type`. A handler's return value (if not undefined) is the answer, unless it replied itself. */
  handle(type: string, handler: Handler): void {
    this.handlers.register(type, handler);
  }

  send(to: { node: string; mbox: string }, body: unknown, options: SendOptions = {}): Promise<MessageId> {
    return this.sender.send(to, body, options);
  }

  /** Send a request to another node and wait for the answer carrying its rid. */
  request(toNode: string, message: object, options: { timeoutMs?: number } = {}): Promise<unknown> {
    return this.sender.request(toNode, message, options);
  }

  /** Take one message from a local mailbox under a lease; rejects ReceiveTimeout after `timeoutMs`. */
  async receive(mbox: string, options: ReceiveOptions = {}): Promise<Delivery> {
    if (this.core.stopping) throw new NodeStopped();
    const receiver = options.receiver ?? `${this.id}/r${++this.receiverCount}`;
    const mailbox = this.mailboxes.get(mbox);
    const lease = await mailbox.take({ receiver, timeoutMs: options.timeoutMs, leaseMs: options.leaseMs ?? this.config.leaseMs });
    const { envelope } = lease;
    return {
      id: envelope.id,
      from: envelope.from,
      body: envelope.body,
      mbox,
      receiver,
      takenAt: lease.takenAt,
      leaseUntil: lease.leaseUntil,
      copy: envelope.copy,
      done: () => this.mailboxes.consume(mailbox, envelope.id, receiver),
    };
  }

  private async listen(): Promise<void> {
    this.listener = await this.env.net.listen({ host: this.config.host, port: this.config.port }, (socket) => {
      if (this.core.stopping) {
        socket.destroy();
        return;
      }
      this.sessions.add(new InboundSession(socket, this.inbound, (session) => this.sessions.delete(session)));
    });
    this.boundPort = this.listener.port;
    this.log('listening', { port: this.boundPort, host: this.config.host });
  }

  /** Close the listener and every connection, stop mailboxes, flush journals, log the counters. */
  async stop(): Promise<void> {
    if (this.core.stopping) return;
    this.core.stopping = true;
    this.log('stopping', { counters: this.counters });
    const closed = this.listener?.close();
    for (const session of this.sessions) session.connection.destroy();
    this.pool.destroyAll();
    this.mailboxes.stop();
    this.sender.stop();
    await this.core.drainBackground(2000);
    await closed;
    await this.mailboxes.close();
    await this.journal?.closeAll();
  }
}
