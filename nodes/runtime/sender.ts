import { MailboxFull, NodeStopped, Timeout, describe } from '../errors.ts';
import { idKey, type Envelope } from '../mailbox/mailbox.ts';
import type { MailboxRegistry } from '../mailbox/registry.ts';
import { RoomWaiters } from '../room.ts';
import { clockSequenceStart } from '../sequence-start.ts';
import { randomForNode, type Random } from '../random.ts';
import { retransmit, whileMailboxFull } from '../semantics/retransmitter.ts';
import { withTimeout } from '../time.ts';
import type { ConnectionPool } from '../transport/pool.ts';
import type { MessageId } from '../wire/messages.ts';
import type { NodeCore } from './core.ts';

export type SendUntil = 'local' | 'remote' | 'received';

export interface SendOptions {
  /** When send() resolves: buffered in our send buffer, buffered by the destination, or taken by a receiver. */
  until?: SendUntil;
  timeoutMs?: number;
  /** Reuse an id (a retransmission); otherwise a fresh one is allocated. */
  id?: MessageId;
}

type Destination = { node: string; mbox: string };

const DEFAULT_SEND_TIMEOUT_MS = 10_000;
const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;

/** The node's three ways out: to one of its own mailboxes, to another node now, or through the send buffer. */
export class Sender {
  /** Messages in the send buffer (`until: 'local'`), delivered in the background. */
  private buffered = 0;
  private readonly bufferWaiters: RoomWaiters;
  /** Jitter of the send buffer's retransmissions, seeded from `options.seed` so that a run replays. */
  private readonly random: Random;
  private volatileSeq: number;

  constructor(
    private readonly core: NodeCore,
    private readonly mailboxes: MailboxRegistry,
    private readonly pool: ConnectionPool,
  ) {
    this.bufferWaiters = new RoomWaiters(core.env.clock);
    this.random = randomForNode(core.id, core.config.options.seed, core.env);
    // Without a data dir nothing survives a restart: the mailbox journal numbers the messages otherwise.
    this.volatileSeq = clockSequenceStart(core.env.clock);
  }

  async send(to: Destination, body: unknown, options: SendOptions = {}): Promise<MessageId> {
    if (this.core.stopping) throw new NodeStopped();
    if (typeof to?.node !== 'string' || !to.node || typeof to.mbox !== 'string' || !to.mbox) {
      throw new TypeError(`send: 'to' must be {node, mbox} with non-empty strings, got ${JSON.stringify(to)}`);
    }
    const until = options.until ?? 'remote';
    if (until !== 'local' && until !== 'remote' && until !== 'received') throw new TypeError(`send: 'until' must be local, remote or received, got '${until}'`);
    const timeoutMs = options.timeoutMs ?? DEFAULT_SEND_TIMEOUT_MS;
    const id = options.id ?? (await this.allocateId());
    if (to.node === this.core.id) {
      await this.sendToSelf(to.mbox, body, id, until, timeoutMs);
    } else if (until === 'local') {
      await this.bufferLocally(to, body, id, timeoutMs);
    } else {
      await this.transmit(to, body, id, until, this.core.env.clock.now() + timeoutMs);
    }
    return id;
  }

  /** Send a request to another node and wait for the answer carrying its rid. */
  async request(toNode: string, message: object, { timeoutMs = DEFAULT_REQUEST_TIMEOUT_MS }: { timeoutMs?: number } = {}): Promise<unknown> {
    if (this.core.stopping) throw new NodeStopped();
    const connection = await this.pool.get(toNode);
    this.core.counters.messagesOut++;
    return connection.request(message, timeoutMs);
  }

  /** Wake every caller waiting for room in the send buffer: the node stops. */
  stop(): void {
    this.bufferWaiters.wakeAll();
  }

  private async allocateId(): Promise<MessageId> {
    const store = this.mailboxes.store;
    const seq = store ? await store.allocateSeq() : this.volatileSeq++;
    return { from: this.core.id, seq };
  }

  /** One message to another node, sent again while the destination's mailbox is full, until `deadline`. */
  private transmit(to: Destination, body: unknown, id: MessageId, until: 'remote' | 'received', deadline: number): Promise<void> {
    const { core } = this;
    const message = { type: 'send', id, to, body, notify: until };
    return whileMailboxFull(
      core.env.clock,
      async (remaining) => {
        const connection = await this.pool.get(to.node);
        core.counters.messagesOut++;
        core.log('msg-out', { id, to, until });
        await connection.request(message, remaining, (answer) => answer.type === 'ack' && (until === 'remote' || answer.stage === 'received'));
      },
      deadline,
      core.config.retransmit,
      () => new Timeout(`send ${idKey(id)} to ${to.node}/${to.mbox} timed out`),
    );
  }

  /** `local` mode: the send buffer (bounded) owns the message and delivers it in the background. */
  private async bufferLocally(to: Destination, body: unknown, id: MessageId, timeoutMs: number): Promise<void> {
    const deadline = this.core.env.clock.now() + timeoutMs;
    while (this.buffered >= this.core.config.mailboxCapacity) {
      const left = deadline - this.core.env.clock.now();
      if (left <= 0 || !(await this.bufferWaiters.wait(left))) throw new MailboxFull(`send buffer full (${this.buffered} messages); ${idKey(id)} not buffered`);
    }
    this.buffered++;
    this.core.track(
      this.deliverBuffered(to, body, id).finally(() => {
        this.buffered--;
        this.bufferWaiters.wakeOne();
      }),
    );
  }

  /**
   * Background delivery of a buffered message. It retransmits (same id) on any failure with the configured
   * backoff, so a message may arrive twice; under at-most-once it is tried once. Giving up is logged, never silent.
   */
  private async deliverBuffered(to: Destination, body: unknown, id: MessageId): Promise<void> {
    const { core } = this;
    const policy = core.config.retransmit;
    const giveUpAt = this.core.env.clock.now() + policy.giveUpMs;
    let lastError: unknown;
    const limits = { attempts: core.behaviour.retransmits ? policy.maxAttempts : 1, giveUpAt, stopped: () => core.stopping };
    const sent = await retransmit(
      core.env.clock,
      policy,
      this.random,
      limits,
      () => this.transmit(to, body, id, 'remote', Math.min(giveUpAt, this.core.env.clock.now() + policy.maxMs * 4)),
      (error) => void (lastError = error),
    );
    if (!sent.delivered) core.drop(core.stopping ? 'stopping' : 'gave-up', { id, to, error: describe(lastError) });
  }

  private async sendToSelf(mbox: string, body: unknown, id: MessageId, until: SendUntil, timeoutMs: number): Promise<void> {
    // Nothing encodes a message to itself, so check here what a remote receiver or the journal would choke on.
    if (JSON.stringify(body) === undefined) throw new TypeError('send: body must be JSON-serialisable');
    const mailbox = this.mailboxes.get(mbox);
    const deadline = this.core.env.clock.now() + timeoutMs;
    let taken: (() => void) | undefined;
    const received = until === 'received' ? new Promise<void>((resolve) => (taken = resolve)) : undefined;
    const envelope: Envelope = { id, from: this.core.id, body, mbox, deliveries: 0, onTaken: taken };
    while (!mailbox.offer(envelope)) {
      const left = deadline - this.core.env.clock.now();
      if (left <= 0 || !(await mailbox.waitForSpace(left))) throw new MailboxFull(`mailbox '${mbox}' stayed full; ${idKey(id)} not delivered`);
    }
    this.core.log('msg-in', { id, mbox, from: this.core.id, local: true });
    const store = this.mailboxes.store;
    if (store) {
      envelope.journaled = true;
      await store.enqueued(envelope);
    }
    if (received) await withTimeout(this.core.env.clock, received, deadline - this.core.env.clock.now(), () => new Timeout(`${idKey(id)} not taken from '${mbox}' in time`));
  }
}
