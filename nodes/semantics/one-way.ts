import type { Timer } from '../env/index.ts';
import { ConnectionLost, NotSent, RemoteError, Timeout } from '../errors.ts';
import type { Node } from '../node.ts';
import { isDefinite } from '../error-codes.ts';
import { CallGaveUp, CallNotSent, CallTimeout } from '../rpc/errors.ts';
import { retransmitDelay } from './backoff.ts';
import type { DeliveryStores } from './delivery-stores.ts';
import { retransmit } from './retransmitter.ts';

// A 1-way message under a delivery setting: the notes' (msg, msgId) / (ack, msgId) protocol with a timer.
// The ack is the destination's `remote` acknowledgement (buffered, durably with a data dir). The id stays the
// same for every retransmission, so a deduplicating receiver can recognise copies; the sender's low-water mark
// rides in the body (`lowWater`) so the receiver's table can forget settled ids.

export interface OneWayTarget {
  node: string;
  mbox: string;
}

/** What the caller may conclude when it stops waiting, and its way to stop a delivery that never left. */
interface DeliveryState {
  /** Some transmission timed out or lost its connection after leaving: the message may be there. */
  maybeDelivered: boolean;
  /** A transmission is under way now: it may arrive. */
  sending: boolean;
  /** The caller was told the message was not sent: no transmission may follow. */
  stopped: boolean;
  lastError: string;
}

/**
 * Resolves once acknowledged; throws CallNotSent (certainly not delivered) or CallGaveUp / CallTimeout /
 * RemoteError (maybe). The deadline is how long the caller waits; a retransmitting sender goes on delivering a
 * message that may have left until it is acknowledged or its give-up time (docs/SEMANTICS.md, a call whose caller
 * gave up), so the message stays unsettled in the outbox until then.
 */
export async function sendOneWay(node: Node, stores: DeliveryStores, to: OneWayTarget, body: Record<string, unknown>, deadlineMs: number): Promise<void> {
  const { outbox, behaviour, policy } = stores;
  const seq = await outbox.next();
  const message = { ...body, lowWater: outbox.lowWater() };
  await outbox.track({ seq, target: to.node, message: { type: 'send', to, body: message } });
  const seqs = [seq];
  const state: DeliveryState = { maybeDelivered: false, sending: false, stopped: false, lastError: '' };
  const deliverMs = behaviour.retransmits ? policy.giveUpMs : deadlineMs;
  const delivery = transmit(node, stores, to, message, seqs, node.env.clock.now() + deliverMs, state).finally(() => {
    for (const s of seqs) outbox.settle(s);
  });
  if (deliverMs <= deadlineMs) return delivery;
  delivery.catch(() => {}); // the caller may stop waiting first; the outcome is then settled in the outbox alone
  let timer: Timer | undefined;
  const deadline = new Promise<'deadline'>((resolve) => (timer = node.env.clock.setTimeout(() => resolve('deadline'), deadlineMs)));
  try {
    if ((await Promise.race([delivery, deadline])) !== 'deadline') return;
  } finally {
    node.env.clock.clearTimeout(timer);
  }
  if (state.maybeDelivered || state.sending) throw new CallTimeout('send', to.mbox, to.node, deadlineMs);
  state.stopped = true;
  for (const s of seqs) outbox.settle(s); // now, not when the retransmission timer next wakes: it sends nothing more
  throw new CallNotSent('send', to.mbox, [to.node], state.lastError || 'no transmission left');
}

/** Retransmit a message that was unsettled when this sender last stopped (exactly-once's durable outbox). */
export async function resumeOneWay(node: Node, stores: DeliveryStores, seq: number, message: Record<string, unknown>): Promise<void> {
  const to = message.to as OneWayTarget;
  const seqs = [seq];
  const state: DeliveryState = { maybeDelivered: false, sending: false, stopped: false, lastError: '' };
  try {
    await transmit(node, stores, to, message.body as Record<string, unknown>, seqs, node.env.clock.now() + stores.policy.giveUpMs, state);
  } catch {
    // Indeterminate either way; the receiver's dedup keeps it from being applied twice.
  } finally {
    stores.outbox.settle(seq);
  }
}

async function transmit(
  node: Node,
  stores: DeliveryStores,
  to: OneWayTarget,
  body: Record<string, unknown>,
  seqs: number[],
  giveUpAt: number,
  state: DeliveryState,
): Promise<void> {
  const { outbox, behaviour, policy, random } = stores;
  const limits = { attempts: behaviour.retransmits ? policy.maxAttempts : 1, giveUpAt, stopped: () => state.stopped };
  const sent = await retransmit(
    node.env.clock,
    policy,
    random,
    limits,
    async (attempt) => {
      const seq = behaviour.freshIdPerRetransmit && attempt > 1 ? await outbox.next() : seqs[0]!;
      if (!seqs.includes(seq)) seqs.push(seq);
      const left = giveUpAt - node.env.clock.now();
      const attemptMs = behaviour.retransmits ? Math.min(left, Math.max(100, 4 * retransmitDelay(policy, attempt, random))) : left;
      state.sending = true;
      try {
        await node.send(to, body, { until: 'remote', timeoutMs: Math.max(1, attemptMs), id: { from: node.id, seq } });
      } finally {
        state.sending = false;
      }
    },
    (error, attempt) => {
      state.lastError = (error as Error).message;
      if (error instanceof Timeout || error instanceof ConnectionLost) state.maybeDelivered = true;
      else if (error instanceof RemoteError && !isDefinite(error.code)) {
        throw state.maybeDelivered ? new CallGaveUp('send', to.mbox, to.node, attempt, error.message) : error;
      } else if (!(error instanceof NotSent) && !(error instanceof RemoteError)) throw error;
    },
  );
  if (sent.delivered) return;
  if (!state.maybeDelivered) throw new CallNotSent('send', to.mbox, [to.node], state.lastError);
  throw new CallGaveUp('send', to.mbox, to.node, sent.attempts, state.lastError);
}
