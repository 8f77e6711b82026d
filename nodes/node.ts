import { createServer, type Server, type Socket } from 'node:net';
import { parseNodeConfig, type Address, type NodeConfig, type NodeConfigInput } from './config.ts';
import { ChaoslabError, MailboxFull, NodeStopped, NotSent, Timeout, TooManyMailboxes } from './errors.ts';
import { Journals } from './journal/journals.ts';
import { logAs } from './log.ts';
import type { LogEvent, LogFields } from './log-events.ts';
import { Mailbox, idKey, type Envelope, type Lease } from './mailbox/mailbox.ts';
import { MailboxStore } from './mailbox/store.ts';
import { RoomWaiters } from './room.ts';
import { retransmitDelay } from './semantics/backoff.ts';
import { randomForNode, type Random } from './semantics/random.ts';
import { FramedConnection, type FrameDrop } from './transport/connection.ts';
import { ConnectionPool } from './transport/pool.ts';
import {
  AnyRequest,
  BUILT_IN_TYPES,
  errorAnswer,
  isRegisteredMessage,
  parseMessage,
  registerMessage,
  ridOf,
  type DoneMessage,
  type HelloMessage,
  type MessageId,
  type ReceiveMessage,
  type SendMessage,
} from './wire/messages.ts';

export type { MessageId } from './wire/messages.ts';
export type SendUntil = 'local' | 'remote' | 'received';

export interface SendOptions {
  /** When send() resolves: buffered in our outbox, buffered by the destination, or taken by a receiver. */
  until?: SendUntil;
  timeoutMs?: number;
  /** Reuse an id (a retransmission); otherwise a fresh one is allocated. */
  id?: MessageId;
}

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

export interface HandlerContext {
  /** Identity the other side gave in its hello (after authentication). */
  peer: string;
  /** Answer on the connection the request came in on, tagged with its rid; lost if that connection died. */
  reply(answer: object): void;
  connectionId: number;
}
export type Handler = (message: { type: string; rid?: number } & Record<string, unknown>, ctx: HandlerContext) => Promise<unknown> | unknown;
export type Resolver = (node: string) => Promise<Address>;
export type Authenticator = (hello: HelloMessage) => { identity: string } | Error;
export type Admission = (message: SendMessage) => 'deliver' | 'duplicate';
export { Journals } from './journal/journals.ts';

const DEFAULT_SEND_TIMEOUT_MS = 10_000;
const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;
const COMPACT_AFTER_BYTES = 16 * 1024 * 1024;
/** Mailboxes are created on first use, also by remote senders: a bound keeps a stream of new names from exhausting memory. */
const MAX_MAILBOXES = 10_000;

/** Counters logged on stop and answered to `stats`. */
export interface NodeCounters {
  connections: number;
  messagesIn: number;
  messagesOut: number;
  acks: number;
  takes: number;
  dones: number;
  redeliveries: number;
  rejectedFrames: number;
  drops: Record<string, number>;
}

interface InboundState {
  connection: FramedConnection;
  identity: string | undefined;
  /** Refused at its first message and closing: frames already on their way are ignored. */
  refused?: boolean;
  receivers: AbortController;
}

/** The runtime a program runs in: named mailboxes, send/receive, request/answer over framed TCP. */
export class Node {
  readonly id: string;
  readonly config: NodeConfig;
  /** Durable journals under the data dir (undefined without one). */
  readonly journal: Journals | undefined;
  readonly counters: NodeCounters = {
    connections: 0,
    messagesIn: 0,
    messagesOut: 0,
    acks: 0,
    takes: 0,
    dones: 0,
    redeliveries: 0,
    rejectedFrames: 0,
    drops: {},
  };

  private server!: Server;
  private boundPort = 0;
  private mailboxes = new Map<string, Mailbox>();
  private handlers = new Map<string, Handler>();
  private inbound = new Set<InboundState>();
  private readonly pool: ConnectionPool;
  private outboxSize = 0;
  private readonly outboxWaiters = new RoomWaiters();
  /** Jitter of the outbox's retries, seeded from `options.seed` so that a run replays. */
  private readonly random: Random;
  private receiverCount = 0;
  private volatileSeq: number;
  private store: MailboxStore | undefined;
  private compacting = false;
  private stopping = false;
  private background = new Set<Promise<unknown>>();

  private resolver: Resolver;
  private authenticator: Authenticator = (hello) => ({ identity: hello.node });
  private admission: Admission = () => 'deliver';

  private constructor(config: NodeConfig) {
    this.random = randomForNode(config.id, config.options.seed);
    this.id = config.id;
    this.config = config;
    this.journal = config.data ? new Journals(config.data) : undefined;
    // Without a data dir nothing survives a restart, so sequence numbers start from the clock: a restarted node
    // must not reuse the ids of its previous life (receivers may filter duplicates by id).
    this.volatileSeq = Date.now() * 1000;
    this.resolver = async (node) => {
      const address = this.config.peers[node];
      if (!address) throw new NotSent(`no address for node '${node}' (not in peers)`);
      return address;
    };
    this.pool = new ConnectionPool({
      hello: () => ({ node: this.id, credential: this.config.security?.credential }),
      maxFrameBytes: config.maxFrameBytes,
      resolve: (node) => this.resolver(node),
      onConnect: (node, address) => {
        this.counters.connections++;
        this.log('connect', { peer: node, direction: 'out', address });
      },
      onDisconnect: (node) => this.log('disconnect', { peer: node, direction: 'out' }),
      onDrop: (node, reason, detail) => this.onFrameDrop(reason, detail, node),
    });
  }

  /** Validate the config, recover durable mailboxes, listen. Resolves once the port is bound. */
  static async start(input: NodeConfigInput | NodeConfig): Promise<Node> {
    const node = new Node(parseNodeConfig(input));
    // Recover before accepting connections, so that recovered messages come before new ones; but log it after
    // `listening`, which watchers expect as the first line.
    const recovered = await node.recover();
    await node.listen();
    for (const logRecovery of recovered) logRecovery();
    return node;
  }

  get port(): number {
    return this.boundPort;
  }

  log<E extends LogEvent>(event: E, fields: LogFields<E>): void {
    logAs(this.id, event, fields);
  }

  /**
   * Get or create a local mailbox. An `internal` one is a program's own work queue (the RPC server's call queue):
   * its entries are counted but not logged one by one, since the request they carry is logged on arrival and
   * their ids are local counters that name no message of the protocol.
   */
  mailbox(name: string, { capacity, internal = false }: { capacity?: number; internal?: boolean } = {}): Mailbox {
    let mailbox = this.mailboxes.get(name);
    if (!mailbox) {
      if (this.mailboxes.size >= MAX_MAILBOXES) throw new TooManyMailboxes(`node '${this.id}' already has ${MAX_MAILBOXES} mailboxes; '${name}' not created`);
      const events = internal
        ? { take: () => void this.counters.takes++, done: () => void this.counters.dones++, redeliver: () => void this.counters.redeliveries++ }
        : { take: (lease: Lease) => this.onTake(lease), done: (lease: Lease) => this.onDone(lease), redeliver: (lease: Lease, reason: string) => this.onRedeliver(lease, reason) };
      mailbox = new Mailbox(name, capacity ?? this.config.mailboxCapacity, events, { sharedReceive: this.config.bug === 'shared-receive' });
      this.mailboxes.set(name, mailbox);
    }
    return mailbox;
  }

  setResolver(resolver: Resolver): void {
    this.resolver = resolver;
  }

  setAuthenticator(authenticator: Authenticator): void {
    this.authenticator = authenticator;
  }

  setAdmission(admission: Admission): void {
    this.admission = admission;
  }

  /** Serve requests of `type`. A handler's return value (if not undefined) is the answer, unless it replied itself. */
  handle(type: string, handler: Handler): void {
    if (BUILT_IN_TYPES.has(type)) throw new Error(`'${type}' is a built-in message type; it cannot be handled by a program`);
    if (!isRegisteredMessage(type)) registerMessage(type, AnyRequest);
    this.handlers.set(type, handler);
  }

  // ---- sending ------------------------------------------------------------------------------------------------

  async send(to: { node: string; mbox: string }, body: unknown, options: SendOptions = {}): Promise<MessageId> {
    if (this.stopping) throw new NodeStopped();
    if (typeof to?.node !== 'string' || !to.node || typeof to.mbox !== 'string' || !to.mbox) {
      throw new TypeError(`send: 'to' must be {node, mbox} with non-empty strings, got ${JSON.stringify(to)}`);
    }
    const until = options.until ?? 'remote';
    if (until !== 'local' && until !== 'remote' && until !== 'received') throw new TypeError(`send: 'until' must be local, remote or received, got '${until}'`);
    const timeoutMs = options.timeoutMs ?? DEFAULT_SEND_TIMEOUT_MS;
    const id = options.id ?? (await this.allocateId());
    if (to.node === this.id) {
      await this.sendToSelf(to.mbox, body, id, until, timeoutMs);
    } else if (until === 'local') {
      await this.bufferInOutbox(to, body, id, timeoutMs);
    } else {
      await this.transmit(to, body, id, until, Date.now() + timeoutMs);
    }
    return id;
  }

  /** Send a request to another node and wait for the answer carrying its rid. */
  async request(toNode: string, message: object, { timeoutMs = DEFAULT_REQUEST_TIMEOUT_MS }: { timeoutMs?: number } = {}): Promise<unknown> {
    if (this.stopping) throw new NodeStopped();
    const connection = await this.pool.get(toNode);
    this.counters.messagesOut++;
    return connection.request(message, timeoutMs);
  }

  private async allocateId(): Promise<MessageId> {
    const seq = this.store ? await this.store.allocateSeq() : this.volatileSeq++;
    return { from: this.id, seq };
  }

  /** One message to another node, retried while the destination pushes back, until `deadline`. */
  private async transmit(to: { node: string; mbox: string }, body: unknown, id: MessageId, until: 'remote' | 'received', deadline: number): Promise<void> {
    let backoff = this.config.retransmit.initialMs;
    for (;;) {
      const remaining = deadline - Date.now();
      if (remaining <= 0) throw new Timeout(`send ${idKey(id)} to ${to.node}/${to.mbox} timed out`);
      const connection = await this.pool.get(to.node);
      const message = { type: 'send', id, to, body, notify: until };
      this.counters.messagesOut++;
      this.log('msg-out', { id, to, until });
      try {
        await connection.request(message, remaining, (answer) => answer.type === 'ack' && (until === 'remote' || answer.stage === 'received'));
        return;
      } catch (error) {
        // Only a full mailbox is retried here: it certainly did not take the message, so retrying is safe.
        if (!(error instanceof MailboxFull) || deadline - Date.now() <= backoff) throw error;
        await sleep(backoff);
        backoff = Math.min(backoff * this.config.retransmit.multiplier, this.config.retransmit.maxMs);
      }
    }
  }

  /** `local` mode: the outbox (bounded) owns the message and delivers it in the background. */
  private async bufferInOutbox(to: { node: string; mbox: string }, body: unknown, id: MessageId, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.outboxSize >= this.config.mailboxCapacity) {
      const left = deadline - Date.now();
      if (left <= 0 || !(await this.outboxWaiters.wait(left))) throw new MailboxFull(`outbox full (${this.outboxSize} messages); ${idKey(id)} not buffered`);
    }
    this.outboxSize++;
    this.track(
      this.deliverFromOutbox(to, body, id).finally(() => {
        this.outboxSize--;
        this.outboxWaiters.wakeOne();
      }),
    );
  }

  /**
   * Background delivery of an outbox message. It retries (same id) on any failure with the configured backoff,
   * so a message may arrive twice; under at-most-once it is tried once. Giving up is logged, never silent.
   */
  private async deliverFromOutbox(to: { node: string; mbox: string }, body: unknown, id: MessageId): Promise<void> {
    const { maxMs, maxAttempts, giveUpMs } = this.config.retransmit;
    const attempts = this.config.semantics === 'at-most-once' ? 1 : maxAttempts;
    const giveUpAt = Date.now() + giveUpMs;
    let lastError: unknown;
    for (let attempt = 1; attempt <= attempts && !this.stopping; attempt++) {
      try {
        await this.transmit(to, body, id, 'remote', Math.min(giveUpAt, Date.now() + maxMs * 4));
        return;
      } catch (error) {
        lastError = error;
        if (Date.now() >= giveUpAt) break;
        await sleep(retransmitDelay(this.config.retransmit, attempt, this.random));
      }
    }
    this.drop(this.stopping ? 'stopping' : 'gave-up', { id, to, error: describe(lastError) });
  }

  private async sendToSelf(mbox: string, body: unknown, id: MessageId, until: SendUntil, timeoutMs: number): Promise<void> {
    // Nothing encodes a message to itself, so check here what a remote receiver or the journal would choke on.
    if (JSON.stringify(body) === undefined) throw new TypeError('send: body must be JSON-serialisable');
    const mailbox = this.mailbox(mbox);
    const deadline = Date.now() + timeoutMs;
    let taken: (() => void) | undefined;
    const received = until === 'received' ? new Promise<void>((resolve) => (taken = resolve)) : undefined;
    const envelope: Envelope = { id, from: this.id, body, mbox, deliveries: 0, onTaken: taken };
    while (!mailbox.offer(envelope)) {
      const left = deadline - Date.now();
      if (left <= 0 || !(await mailbox.waitForSpace(left))) throw new MailboxFull(`mailbox '${mbox}' stayed full; ${idKey(id)} not delivered`);
    }
    this.log('msg-in', { id, mbox, from: this.id, local: true });
    if (this.store) {
      envelope.journaled = true;
      await this.store.enqueued(envelope);
    }
    if (received) await withTimeout(received, deadline - Date.now(), () => new Timeout(`${idKey(id)} not taken from '${mbox}' in time`));
  }

  // ---- receiving ----------------------------------------------------------------------------------------------

  /** Take one message from a local mailbox under a lease; rejects ReceiveTimeout after `timeoutMs`. */
  async receive(mbox: string, options: ReceiveOptions = {}): Promise<Delivery> {
    if (this.stopping) throw new NodeStopped();
    const receiver = options.receiver ?? `${this.id}/r${++this.receiverCount}`;
    const mailbox = this.mailbox(mbox);
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
      done: () => this.consume(mailbox, envelope.id, receiver),
    };
  }

  private onTake(lease: Lease): void {
    this.counters.takes++;
    this.log('take', { id: lease.envelope.id, mbox: lease.envelope.mbox, receiver: lease.receiver, delivery: lease.envelope.deliveries });
  }

  private onDone(lease: Lease): void {
    this.counters.dones++;
    this.log('done', { id: lease.envelope.id, mbox: lease.envelope.mbox, receiver: lease.receiver });
  }

  /** done(): consumed in memory at once, and on disk before the promise resolves (when its arrival is). */
  private async consume(mailbox: Mailbox, id: MessageId, receiver: string): Promise<void> {
    const lease = mailbox.done(id, receiver);
    const store = this.store;
    if (!store || !lease.envelope.journaled) return;
    const written = store.consumed(lease.envelope);
    this.track(written);
    if (store.journal.bytes > COMPACT_AFTER_BYTES && !this.compacting) {
      this.compacting = true;
      const live = [...this.mailboxes.values()].flatMap((m) => m.snapshot());
      this.track(store.compact(live).finally(() => (this.compacting = false)));
    }
    await written;
  }

  private onRedeliver(lease: Lease, reason: string): void {
    this.counters.redeliveries++;
    this.log('redeliver', { id: lease.envelope.id, mbox: lease.envelope.mbox, receiver: lease.receiver, reason });
  }

  // ---- connections ----------------------------------------------------------------------------------------------

  /** Reload the durable mailboxes; returns the log lines to write once `listening` is out. */
  private async recover(): Promise<(() => void)[]> {
    if (!this.config.data) return [];
    const { store, messages, nextSeq, droppedBytes } = await MailboxStore.open(this.config.data);
    this.store = store;
    const events: (() => void)[] = [];
    if (droppedBytes > 0) events.push(() => this.log('journal-truncated', { journal: 'mailboxes', droppedBytes }));
    for (const m of messages) {
      const mailbox = this.mailbox(m.mbox);
      const envelope: Envelope = { id: m.id, from: m.from, body: m.body, mbox: m.mbox, deliveries: 0, journaled: true };
      mailbox.restore(envelope);
    }
    events.push(() => this.log('recovered', { messages: messages.length, nextSeq }));
    return events;
  }

  private listen(): Promise<void> {
    this.server = createServer((socket) => this.onInbound(socket));
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen({ host: this.config.host, port: this.config.port }, () => {
        this.server.off('error', reject);
        this.boundPort = (this.server.address() as { port: number }).port;
        this.log('listening', { port: this.boundPort, host: this.config.host });
        resolve();
      });
    });
  }

  private onInbound(socket: Socket): void {
    if (this.stopping) {
      socket.destroy();
      return;
    }
    const state: InboundState = {
      identity: undefined,
      receivers: new AbortController(),
      connection: undefined as unknown as FramedConnection,
    };
    state.connection = new FramedConnection(socket, this.config.maxFrameBytes, {
      message: (raw) => this.onInboundMessage(state, raw),
      drop: (reason, detail) => this.onFrameDrop(reason, detail, state.identity ?? state.connection.remote),
      close: () => {
        this.inbound.delete(state);
        state.receivers.abort();
        const receiverName = this.remoteReceiverName(state);
        for (const mailbox of this.mailboxes.values()) mailbox.releaseReceiver(receiverName);
        this.log('disconnect', { peer: state.identity ?? null, direction: 'in', connection: state.connection.id });
      },
    }, { verifyChecksum: this.config.bug !== 'skip-checksum' });
    this.inbound.add(state);
    this.counters.connections++;
    this.log('connect', { direction: 'in', remote: state.connection.remote, connection: state.connection.id });
  }

  private onFrameDrop(reason: FrameDrop, detail: string, peer: string): void {
    this.counters.rejectedFrames++;
    this.drop(reason, { peer, detail });
  }

  private drop(reason: string, fields: object): void {
    this.counters.drops[reason] = (this.counters.drops[reason] ?? 0) + 1;
    this.log('drop', { reason, ...fields });
  }

  private onInboundMessage(state: InboundState, raw: unknown): void {
    try {
      this.handleInbound(state, raw);
    } catch (error) {
      // A hook (admission, a handler's synchronous part) threw, or a limit was hit: answer, log, keep serving.
      if (!(error instanceof ChaoslabError)) this.log('internal-error', { error: describe(error), connection: state.connection.id });
      const rid = (raw as { rid?: unknown } | null)?.rid;
      state.connection.write(errorAnswer(codeOf(error, 'internal'), describe(error), typeof rid === 'number' ? { rid } : {}));
    }
  }

  private handleInbound(state: InboundState, raw: unknown): void {
    if (state.refused) return;
    if (state.identity === undefined) {
      this.onFirstMessage(state, raw);
      return;
    }
    const { connection } = state;
    const type = (raw as { type?: unknown } | null)?.type;
    if (typeof type === 'string' && !BUILT_IN_TYPES.has(type) && isRegisteredMessage(type) && !this.handlers.has(type)) {
      // Decided before the schema: whether a node serves a type cannot depend on which schemas it happens to know.
      connection.write(errorAnswer('no-handler', `node '${this.id}' does not serve '${type}'`, { rid: ridOf(raw) }));
      return;
    }
    const parsed = parseMessage(raw);
    if (!parsed.ok) {
      this.drop('invalid', { peer: state.identity, detail: parsed.error });
      connection.write(errorAnswer('invalid', parsed.error, { rid: parsed.rid }));
      return;
    }
    const message = parsed.message;
    this.counters.messagesIn++;
    switch (message.type) {
      case 'send':
        this.onSend(state, message as unknown as SendMessage);
        return;
      case 'receive':
        this.onRemoteReceive(state, message as unknown as ReceiveMessage);
        return;
      case 'done':
        this.onRemoteDone(state, message as unknown as DoneMessage);
        return;
      case 'ping':
        connection.write({ type: 'pong', rid: message.rid, node: this.id });
        return;
      case 'stats':
        connection.write({ type: 'stats-result', rid: message.rid, node: this.id, counters: this.counters, mailboxes: this.mailboxStats() });
        return;
      case 'hello':
        // The identity of a connection never changes: a second hello is refused, and the connection goes on as before.
        this.drop('invalid', { peer: state.identity, detail: 'second hello' });
        connection.write(errorAnswer('invalid', `hello was already said on this connection (as '${state.identity}')`, { rid: ridOf(raw) }));
        return;
    }
    this.dispatchToHandler(state, message);
  }

  /**
   * The first valid message decides: a hello opens the connection, anything else is answered and closes it. A
   * frame that is no valid message (a hello without `node`, an unknown type) decides nothing, like a corrupt one:
   * it is answered `invalid` and the next message still must be hello.
   */
  private onFirstMessage(state: InboundState, raw: unknown): void {
    const { connection } = state;
    const parsed = parseMessage(raw);
    if (!parsed.ok) {
      this.drop('invalid', { remote: connection.remote, detail: parsed.error });
      connection.write(errorAnswer('invalid', parsed.error, { rid: parsed.rid }));
      return;
    }
    if (parsed.message.type !== 'hello') {
      // Not a refusal of who the opener is: a lossy link can eat the hello frame. The opener reconnects.
      this.drop('hello-missing', { remote: connection.remote, type: parsed.message.type });
      connection.write(errorAnswer('hello-missing', 'a connection starts with hello'));
      this.refuseConnection(state);
      return;
    }
    const hello = parsed.message as unknown as HelloMessage;
    let verdict: { identity: string } | Error;
    try {
      verdict = this.authenticator(hello);
    } catch (error) {
      verdict = error instanceof Error ? error : new Error(String(error));
    }
    if (verdict instanceof Error) {
      this.drop('unauthenticated', { remote: connection.remote, claimed: hello.node, detail: verdict.message });
      connection.write(errorAnswer('unauthenticated', verdict.message));
      this.refuseConnection(state);
      return;
    }
    state.identity = verdict.identity;
    this.log('hello', { peer: verdict.identity, connection: connection.id });
    connection.write({ type: 'welcome', node: this.id });
  }

  private refuseConnection(state: InboundState): void {
    state.refused = true;
    void state.connection.end();
  }

  private onSend(state: InboundState, message: SendMessage): void {
    const { connection } = state;
    const { id, rid, to } = message;
    this.log('msg-in', { id, mbox: to.mbox, peer: state.identity });
    if (to.node !== undefined && to.node !== this.id) {
      connection.write(errorAnswer('wrong-node', `this is node '${this.id}', not '${to.node}'`, { rid, id }));
      return;
    }
    const ack = (stage: 'remote' | 'received', extra: object = {}) => {
      this.counters.acks++;
      this.log('ack', { id, stage, ...extra });
      connection.write({ type: 'ack', rid, id, stage, ...extra });
    };
    if (this.admission(message) === 'duplicate') {
      // Already had it: acknowledge again (the first ack may have been lost), do not enqueue a second copy.
      ack('remote', { duplicate: true });
      if (message.notify === 'received') ack('received', { duplicate: true });
      return;
    }
    const mailbox = this.mailbox(to.mbox);
    let acked = false;
    let takenEarly = false;
    const envelope: Envelope = {
      id,
      from: id.from,
      body: message.body,
      mbox: to.mbox,
      deliveries: 0,
      onTaken:
        message.notify === 'received'
          ? () => {
              envelope.onTaken = undefined;
              // The 'received' ack only follows the 'remote' one, so a sender never sees them out of order.
              if (acked) ack('received');
              else takenEarly = true;
            }
          : undefined,
    };
    if (!mailbox.offer(envelope)) {
      this.drop('mailbox-full', { id, mbox: to.mbox, size: mailbox.size });
      connection.write(errorAnswer('mailbox-full', `mailbox '${to.mbox}' is full (${mailbox.capacity})`, { rid, id }));
      return;
    }
    const acknowledge = () => {
      acked = true;
      ack('remote');
      if (takenEarly) ack('received');
    };
    if (!this.store) acknowledge();
    else {
      envelope.journaled = true;
      this.store.enqueued(envelope).then(acknowledge, (error) => {
        this.log('journal-error', { error: describe(error) });
        connection.write(errorAnswer('journal-failed', `could not journal ${idKey(id)}`, { rid, id }));
      });
    }
  }

  private remoteReceiverName(state: InboundState): string {
    return `${state.identity ?? 'anonymous'}@c${state.connection.id}`;
  }

  private onRemoteReceive(state: InboundState, message: ReceiveMessage): void {
    const { connection } = state;
    const receiver = this.remoteReceiverName(state);
    const mailbox = this.mailbox(message.mbox);
    mailbox
      .take({ receiver, timeoutMs: message.timeoutMs, leaseMs: message.leaseMs ?? this.config.leaseMs, signal: state.receivers.signal })
      .then(
        (lease) => {
          const { envelope } = lease;
          connection.write({
            type: 'delivery',
            rid: message.rid,
            id: envelope.id,
            from: envelope.from,
            body: envelope.body,
            mbox: envelope.mbox,
            receiver,
            takenAt: lease.takenAt,
            leaseUntil: lease.leaseUntil,
            ...(envelope.copy !== undefined ? { copy: envelope.copy } : {}),
          });
        },
        (error) => {
          if (connection.isOpen) connection.write(errorAnswer(codeOf(error), describe(error), { rid: message.rid }));
        },
      );
  }

  private onRemoteDone(state: InboundState, message: DoneMessage): void {
    const receiver = this.remoteReceiverName(state);
    this.consume(this.mailbox(message.mbox), message.id, receiver).then(
      () => state.connection.write({ type: 'ok', rid: message.rid }),
      (error) => state.connection.write(errorAnswer(codeOf(error), describe(error), { rid: message.rid, id: message.id })),
    );
  }

  private dispatchToHandler(state: InboundState, message: { type: string; rid?: number } & Record<string, unknown>): void {
    const { connection } = state;
    const handler = this.handlers.get(message.type)!;
    this.log('msg-in', { type: message.type, rid: message.rid, peer: state.identity });
    let replied = false;
    const ctx: HandlerContext = {
      peer: state.identity!,
      connectionId: connection.id,
      reply: (answer) => {
        replied = true;
        try {
          connection.write({ ...answer, rid: message.rid });
        } catch (error) {
          // An answer JSON cannot carry (a BigInt, a cycle) is the handler's bug; the caller still gets an answer.
          this.log('internal-error', { type: message.type, error: describe(error) });
          connection.write(errorAnswer('internal', `answer to '${message.type}' is not JSON: ${describe(error)}`, { rid: message.rid }));
        }
      },
    };
    void (async () => {
      try {
        const result = await handler(message, ctx);
        if (result !== undefined && !replied) ctx.reply(result as object);
      } catch (error) {
        if (!replied) ctx.reply(errorAnswer(codeOf(error, 'handler-failed'), describe(error)));
        else this.log('handler-error', { type: message.type, error: describe(error) });
      }
    })();
  }

  private mailboxStats(): Record<string, { queued: number; leased: number; capacity: number }> {
    return Object.fromEntries([...this.mailboxes].map(([name, m]) => [name, { queued: m.queued, leased: m.leased, capacity: m.capacity }]));
  }

  private track(promise: Promise<unknown>): void {
    const tracked = promise.catch(() => {}).finally(() => this.background.delete(tracked));
    this.background.add(tracked);
  }

  /** Close the listener and every connection, stop mailboxes, flush journals, log the counters. */
  async stop(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    this.log('stopping', { counters: this.counters });
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const state of this.inbound) state.connection.destroy();
    this.pool.destroyAll();
    for (const mailbox of this.mailboxes.values()) mailbox.stop();
    this.outboxWaiters.wakeAll();
    // Background work gets two seconds to end. The timer goes as soon as it does: left running, it held the event
    // loop of a harness that embeds a node for two seconds after everything else had finished.
    await withTimeout(Promise.all(this.background), 2000, () => new Error('background work still running')).catch(() => {});
    await closed;
    await this.store?.close();
    await this.journal?.closeAll();
  }
}

function codeOf(error: unknown, fallback = 'internal'): string {
  if (error instanceof ChaoslabError) return error.code;
  // A handler validating its request with zod: the request was bad, not the handler.
  if (error instanceof Error && error.name === 'ZodError') return 'invalid';
  return fallback;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, Math.max(0, ms)));

function withTimeout<T>(promise: Promise<T>, ms: number, error: () => Error): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(error()), Math.max(0, ms));
    }),
  ]).finally(() => clearTimeout(timer));
}
