import { codeOf, describe } from '../errors.ts';
import { idKey, type Envelope } from '../mailbox/mailbox.ts';
import { errorAnswer, type DoneMessage, type ReceiveMessage, type SendMessage } from '../wire/messages.ts';
import type { InboundSession } from './inbound.ts';

// The answers to the mailbox requests a peer sends over an inbound connection: send, receive, done.

export function onSend(session: InboundSession, message: SendMessage): void {
  const { core, mailboxes, hooks } = session.deps;
  const { connection } = session;
  const { id, rid, to } = message;
  core.log('msg-in', { id, mbox: to.mbox, peer: session.identity });
  if (to.node !== undefined && to.node !== core.id) {
    connection.write(errorAnswer('wrong-node', `this is node '${core.id}', not '${to.node}'`, { rid, id }));
    return;
  }
  const ack = (stage: 'remote' | 'received', extra: object = {}) => {
    core.counters.acks++;
    core.log('ack', { id, stage, ...extra });
    connection.write({ type: 'ack', rid, id, stage, ...extra });
  };
  if (hooks.admission(message) === 'duplicate') {
    // Already had it: acknowledge again (the first ack may have been lost), do not enqueue a second copy.
    ack('remote', { duplicate: true });
    if (message.notify === 'received') ack('received', { duplicate: true });
    return;
  }
  const mailbox = mailboxes.get(to.mbox);
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
    core.drop('mailbox-full', { id, mbox: to.mbox, size: mailbox.size });
    connection.write(errorAnswer('mailbox-full', `mailbox '${to.mbox}' is full (${mailbox.capacity})`, { rid, id }));
    return;
  }
  const acknowledge = () => {
    acked = true;
    ack('remote');
    if (takenEarly) ack('received');
  };
  const store = mailboxes.store;
  if (!store) acknowledge();
  else {
    envelope.journaled = true;
    store.enqueued(envelope).then(acknowledge, (error) => {
      core.log('journal-error', { error: describe(error) });
      connection.write(errorAnswer('journal-failed', `could not journal ${idKey(id)}`, { rid, id }));
    });
  }
}

export function onReceive(session: InboundSession, message: ReceiveMessage): void {
  const { core, mailboxes } = session.deps;
  const { connection } = session;
  const receiver = session.receiverName;
  mailboxes
    .get(message.mbox)
    .take({ receiver, timeoutMs: message.timeoutMs, leaseMs: message.leaseMs ?? core.config.leaseMs, signal: session.receivers.signal })
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

export function onDone(session: InboundSession, message: DoneMessage): void {
  const { mailboxes } = session.deps;
  mailboxes.consume(mailboxes.get(message.mbox), message.id, session.receiverName).then(
    () => session.connection.write({ type: 'ok', rid: message.rid }),
    (error) => session.connection.write(errorAnswer(codeOf(error), describe(error), { rid: message.rid, id: message.id })),
  );
}
