import { ConnectionLost, MailboxFull, NotSent, RemoteError, Timeout } from '../errors.ts';
import type { Node } from '../node.ts';
import { CallGaveUp, CallNotSent, NOT_EXECUTED_CODES } from '../rpc/errors.ts';
import { retransmitDelay } from './backoff.ts';
import type { NodeSemantics } from './node-semantics.ts';

// A 1-way message under a delivery setting: the notes' (msg, msgId) / (ack, msgId) protocol with a timer.
// The ack is the destination's `remote` acknowledgement (buffered, durably with a data dir). The id stays the
// same for every retransmission, so a deduplicating receiver can recognise copies; the sender's low-water mark
// rides in the body (`lowWater`) so the receiver's table can forget settled ids.

export interface OneWayTarget {
  node: string;
  mbox: string;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Resolves once acknowledged; throws CallNotSent (certainly not delivered) or CallGaveUp / RemoteError (maybe). */
export async function sendOneWay(node: Node, semantics: NodeSemantics, to: OneWayTarget, body: Record<string, unknown>, deadlineMs: number): Promise<void> {
  const { outbox, behaviour, policy } = semantics;
  const seq = await outbox.next();
  const message = { ...body, lowWater: outbox.lowWater() };
  await outbox.track({ seq, target: to.node, message: { type: 'send', to, body: message } });
  const seqs = [seq];
  try {
    await transmit(node, semantics, to, message, seqs, Date.now() + Math.min(deadlineMs, behaviour.retransmits ? policy.giveUpMs : deadlineMs));
  } finally {
    for (const s of seqs) outbox.settle(s);
  }
}

/** Retransmit a message that was unsettled when this sender last stopped (exactly-once's durable outbox). */
export async function resumeOneWay(node: Node, semantics: NodeSemantics, seq: number, message: Record<string, unknown>): Promise<void> {
  const to = message.to as OneWayTarget;
  const seqs = [seq];
  try {
    await transmit(node, semantics, to, message.body as Record<string, unknown>, seqs, Date.now() + semantics.policy.giveUpMs);
  } catch {
    // Indeterminate either way; the receiver's dedup keeps it from being applied twice.
  } finally {
    semantics.outbox.settle(seq);
  }
}

async function transmit(node: Node, semantics: NodeSemantics, to: OneWayTarget, body: Record<string, unknown>, seqs: number[], giveUpAt: number): Promise<void> {
  const { outbox, behaviour, policy, random } = semantics;
  let maybeDelivered = false;
  let lastError = '';
  for (let attempt = 1; ; attempt++) {
    const seq = behaviour.freshIdPerRetransmit && attempt > 1 ? await outbox.next() : seqs[0]!;
    if (!seqs.includes(seq)) seqs.push(seq);
    const left = giveUpAt - Date.now();
    const attemptMs = behaviour.retransmits ? Math.min(left, Math.max(100, 4 * retransmitDelay(policy, attempt, random))) : left;
    try {
      await node.send(to, body, { until: 'remote', timeoutMs: Math.max(1, attemptMs), id: { from: node.id, seq } });
      return;
    } catch (error) {
      lastError = (error as Error).message;
      if (error instanceof Timeout || error instanceof ConnectionLost) maybeDelivered = true;
      else if (error instanceof RemoteError && !(error instanceof MailboxFull) && !NOT_EXECUTED_CODES.has(error.code)) {
        throw maybeDelivered ? new CallGaveUp('send', to.mbox, to.node, attempt, error.message) : error;
      } else if (!(error instanceof NotSent) && !(error instanceof RemoteError)) throw error;
    }
    if (!behaviour.retransmits || attempt >= policy.maxAttempts || Date.now() >= giveUpAt) {
      if (!maybeDelivered) throw new CallNotSent('send', to.mbox, [to.node], lastError);
      throw new CallGaveUp('send', to.mbox, to.node, attempt, lastError);
    }
    await sleep(Math.min(retransmitDelay(policy, attempt, random), Math.max(0, giveUpAt - Date.now())));
  }
}
