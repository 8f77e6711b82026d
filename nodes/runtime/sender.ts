import { MailboxFull, NodeStopped, Timeout, describe } from '../errors.ts';
import { idKey, type Envelope } from '../mailbox/mailbox.ts';
import type { MailboxRegistry } from '../mailbox/registry.ts';
import { RoomWaiters } from '../room.ts';
import { retransmitDelay } from '../semantics/backoff.ts';
import { randomForNode, type Random } from '../semantics/random.ts';
import { sleep, withTimeout } from '../time.ts';
import type { ConnectionPool } from '../transport/pool.ts';
import type { MessageId } from '../wire/messages.ts';
import type { NodeCore } from './core.ts';

export type SendUntil = 'local' | 'remote' | 'received';

export interface SendOptions {
  /** When send() resolves: buffered in our outbox, buffered by the destination, or taken by a receiver. */
  until?: SendUntil;
  timeoutMs?: number;
  /** Reuse an id (a retransmission); otherwise a fresh one is allocated. */
  id?: MessageId;
}

type Destination = { node: string; mbox: string };

const DEFAULT_SEND_TIMEOUT_MS = 10_000;
const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;

/** The node's three ways out: to one of its own mailboxes, to another node now, or through the local outbox. */
export class Sender {
  private outboxSize = 0;
  private readonly outboxWaiters = new RoomWaiters();
  /** Jitter of the outbox's retries, seeded from `options.seed` so that a run replays. */
  private readonly random: Random;
  private volatileSeq: number;

  constructor(
    private readonly core: NodeCore,
    private readonly mailboxes: MailboxRegistry,
    private readonly pool: ConnectionPool,
  ) {
    this.random = randomForNode(core.id, core.config.options.seed);
    // Without a data dir nothing survives a restart, so sequence numbers start from the clock: a restarted node
    // must not reuse the ids of its previous life (receivers may filter duplicates by id).
    this.volatileSeq = Date.now() * 1000;
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
      await this.bufferInOutbox(to, body, id, timeoutMs);
    } else {
      await this.transmit(to, body, id, until, Date.now() + timeoutMs);
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

  /** Wake every caller waiting for room in the outbox: the node stops. */
  stop(): void {
    this.outboxWaiters.wakeAll();
  }

  private async allocateId(): Promise<MessageId> {
    const store = this.mailboxes.store;
    const seq = store ? await store.allocateSeq() : this.volatileSeq++;
    return { from: this.core.id, seq };
  }

  /** One message to another node, retried while the destination pushes back, until `deadline`. */
  private async transmit(to: Destination, body: unknown, id: MessageId, until: 'remote' | 'received', deadline: number): Promise<void> {
    const { core } = this;
    let backoff = core.config.retransmit.initialMs;
    for (;;) {
      const remaining = deadline - Date.now();
      if (remaining <= 0) throw new Timeout(`send ${idKey(id)} to ${to.node}/${to.mbox} timed out`);
      const connection = await this.pool.get(to.node);
      const message = { type: 'send', id, to, body, notify: until };
      core.counters.messagesOut++;
      core.log('msg-out', { id, to, until });
      try {
        await connection.request(message, remaining, (answer) => answer.type === 'ack' && (until === 'remote' || answer.stage === 'received'));
        return;
      } catch (error) {
        // Only a full mailbox is retried here: it certainly did not take the message, so retrying is safe.
        if (!(error instanceof MailboxFull) || deadline - Date.now() <= backoff) throw error;
        await sleep(backoff);
        backoff = Math.min(backoff * core.config.retransmit.multiplier, core.config.retransmit.maxMs);
      }
    }
  }

  /** `local` mode: the outbox (bounded) owns the message and delivers it in the background. */
  private async bufferInOutbox(to: Destination, body: unknown, id: MessageId, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.outboxSize >= this.core.config.mailboxCapacity) {
      const left = deadline - Date.now();
      if (left <= 0 || !(await this.outboxWaiters.wait(left))) throw new MailboxFull(`outbox full (${this.outboxSize} messages); ${idKey(id)} not buffered`);
    }
    this.outboxSize++;
    this.core.track(
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
  private async deliverFromOutbox(to: Destination, body: unknown, id: MessageId): Promise<void> {
    const { core } = this;
    const { maxMs, maxAttempts, giveUpMs } = core.config.retransmit;
    const attempts = core.behaviour.retransmits ? maxAttempts : 1;
    const giveUpAt = Date.now() + giveUpMs;
    let lastError: unknown;
    for (let attempt = 1; attempt <= attempts && !core.stopping; attempt++) {
      try {
        await this.transmit(to, body, id, 'remote', Math.min(giveUpAt, Date.now() + maxMs * 4));
        return;
      } catch (error) {
        lastError = error;
        if (Date.now() >= giveUpAt) break;
        await sleep(retransmitDelay(core.config.retransmit, attempt, this.random));
      }
    }
    core.drop(core.stopping ? 'stopping' : 'gave-up', { id, to, error: describe(lastError) });
  }

  private async sendToSelf(mbox: string, body: unknown, id: MessageId, until: SendUntil, timeoutMs: number): Promise<void> {
    // Nothing encodes a message to itself, so check here what a remote receiver or the journal would choke on.
    if (JSON.stringify(body) === undefined) throw new TypeError('send: body must be JSON-serialisable');
    const mailbox = this.mailboxes.get(mbox);
    const deadline = Date.now() + timeoutMs;
    let taken: (() => void) | undefined;
    const received = until === 'received' ? new Promise<void>((resolve) => (taken = resolve)) : undefined;
    const envelope: Envelope = { id, from: this.core.id, body, mbox, deliveries: 0, onTaken: taken };
    while (!mailbox.offer(envelope)) {
      const left = deadline - Date.now();
      if (left <= 0 || !(await mailbox.waitForSpace(left))) throw new MailboxFull(`mailbox '${mbox}' stayed full; ${idKey(id)} not delivered`);
    }
    this.core.log('msg-in', { id, mbox, from: this.core.id, local: true });
    const store = this.mailboxes.store;
    if (store) {
      envelope.journaled = true;
      await store.enqueued(envelope);
    }
    if (received) await withTimeout(received, deadline - Date.now(), () => new Timeout(`${idKey(id)} not taken from '${mbox}' in time`));
  }
}
