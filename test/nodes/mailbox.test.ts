import { describe, expect, it } from 'vitest';
import { LeaseExpired, ReceiveTimeout } from '../../nodes/errors.ts';
import { Mailbox, type Envelope, type Lease } from '../../nodes/mailbox/mailbox.ts';
import { waitFor } from '../helpers/wait.ts';

function recordingMailbox(capacity = 10) {
  const events: { event: string; receiver: string; seq: number; reason?: string }[] = [];
  const note = (event: string) => (lease: Lease, reason?: string) => events.push({ event, receiver: lease.receiver, seq: lease.envelope.id.seq, reason });
  const mailbox = new Mailbox('box', capacity, { take: note('take'), done: note('done'), redeliver: note('redeliver') });
  return { mailbox, events };
}

const envelope = (seq: number): Envelope => ({ id: { from: 't', seq }, from: 't', body: { seq }, mbox: 'box', deliveries: 0 });

describe('mailbox', () => {
  it('hands each message to exactly one of many waiting receivers', async () => {
    const { mailbox } = recordingMailbox(100);
    const takes = Array.from({ length: 50 }, (_, i) => mailbox.take({ receiver: `r${i}`, leaseMs: 10_000, timeoutMs: 5_000 }));
    for (let seq = 0; seq < 50; seq++) mailbox.offer(envelope(seq));
    const leases = await Promise.all(takes);
    expect(new Set(leases.map((l) => l.envelope.id.seq)).size).toBe(50);
    for (const lease of leases) mailbox.done(lease.envelope.id, lease.receiver);
    expect(mailbox.size).toBe(0);
  });

  it('is bounded: offer fails when queued plus leased reach capacity', async () => {
    const { mailbox } = recordingMailbox(2);
    expect(mailbox.offer(envelope(1))).toBe(true);
    expect(mailbox.offer(envelope(2))).toBe(true);
    const lease = await mailbox.take({ receiver: 'r', leaseMs: 10_000 });
    expect(mailbox.offer(envelope(3))).toBe(false);
    const space = mailbox.waitForSpace(5_000);
    mailbox.done(lease.envelope.id, 'r');
    await expect(space).resolves.toBe(true);
    expect(mailbox.offer(envelope(3))).toBe(true);
  });

  it('redelivers a message whose lease expired to another receiver, at the head', async () => {
    const { mailbox, events } = recordingMailbox();
    mailbox.offer(envelope(1));
    mailbox.offer(envelope(2));
    const first = await mailbox.take({ receiver: 'slow', leaseMs: 50 });
    await waitFor(() => events.some((e) => e.event === 'redeliver'), { timeoutMs: 5_000 });
    const second = await mailbox.take({ receiver: 'fast', leaseMs: 10_000 });
    expect(second.envelope.id.seq).toBe(first.envelope.id.seq);
    expect(second.envelope.deliveries).toBe(2);
    expect(() => mailbox.done(first.envelope.id, 'slow')).toThrow(LeaseExpired);
    expect(events).toContainEqual({ event: 'redeliver', receiver: 'slow', seq: 1, reason: 'lease-expired' });
  });

  it('times out a receive on an empty mailbox', async () => {
    const { mailbox } = recordingMailbox();
    await expect(mailbox.take({ receiver: 'r', leaseMs: 100, timeoutMs: 30 })).rejects.toBeInstanceOf(ReceiveTimeout);
    // The timed-out receiver must not swallow a later message.
    mailbox.offer(envelope(1));
    expect((await mailbox.take({ receiver: 'r2', leaseMs: 100, timeoutMs: 100 })).receiver).toBe('r2');
  });

  it('gives back what a departed receiver held', async () => {
    const { mailbox, events } = recordingMailbox();
    mailbox.offer(envelope(1));
    await mailbox.take({ receiver: 'gone', leaseMs: 10_000 });
    mailbox.releaseReceiver('gone');
    expect(mailbox.queued).toBe(1);
    expect(events.at(-1)).toMatchObject({ event: 'redeliver', reason: 'receiver-gone' });
  });
});
