import { afterEach, describe, expect, it } from 'vitest';
import { fastRetransmit, LogLab } from './log-lab.ts';

// Receiver and sender crashes (real SIGKILLs, restart on the same data dir) per setting.

let lab: LogLab | undefined;
afterEach(async () => {
  await lab?.close();
  lab = undefined;
});


/**
 * The op runs on b, its reply is lost, b is SIGKILLed and restarted, then the link heals: the sender's
 * retransmission reaches a receiver that may or may not remember the op.
 */
async function executedThenReceiverCrash(l: LogLab): Promise<{ outcome: string; count: number }> {
  expect((await l.append('warm')).outcome).toBe('ok');
  const heal = await l.lose('downstream');
  const pending = l.append('op', 60_000);
  await l.executed('op');
  await l.crashServer();
  await l.restartServer();
  await heal();
  const { outcome } = await pending;
  return { outcome, count: (await l.counts()).get('op') ?? 0 };
}

describe('receiver crash', () => {
  it('exactly-once: the dedup table and reply cache survive the SIGKILL: ok, one execution', async () => {
    lab = await LogLab.start({ semantics: 'exactly-once', config: fastRetransmit });
    expect(await executedThenReceiverCrash(lab)).toEqual({ outcome: 'ok', count: 1 });
  });

  it('exactly-once-volatile: the table dies with the receiver, the retransmission runs again: two executions', async () => {
    lab = await LogLab.start({ semantics: 'exactly-once-volatile', config: fastRetransmit });
    expect(await executedThenReceiverCrash(lab)).toEqual({ outcome: 'ok', count: 2 });
  });

  it('at-least-once: ok, executed at least once (here twice)', async () => {
    lab = await LogLab.start({ semantics: 'at-least-once', config: fastRetransmit });
    const { outcome, count } = await executedThenReceiverCrash(lab);
    expect(outcome).toBe('ok');
    expect(count).toBeGreaterThanOrEqual(2);
  });

  it('at-most-once: the call in flight is info, never run twice', async () => {
    lab = await LogLab.start({ semantics: 'at-most-once', config: fastRetransmit });
    expect((await lab.append('warm')).outcome).toBe('ok');
    const pending = lab.append('op', 3000);
    await lab.crashServer();
    const { outcome } = await pending;
    await lab.restartServer();
    expect(['info', 'fail']).toContain(outcome);
    expect((await lab.counts()).get('op') ?? 0).toBeLessThanOrEqual(1);
    // After the restart the server serves again.
    expect((await lab.append('after')).outcome).toBe('ok');
  });
});

/** a sends op while a->b loses every message, a is SIGKILLed, the link heals and a restarts. */
async function senderCrashWhileUnacked(l: LogLab, resumes: boolean): Promise<number> {
  expect((await l.append('warm')).outcome).toBe('ok');
  const heal = await l.lose('upstream');
  const pending = l.append('op', 60_000).catch(() => ({ outcome: 'info' }));
  // Logged once the call is in the sender's outbox and on its way (to be lost).
  await l.a.waitFor((line) => line.event === 'call-out' && line.op === 'op', 5000);
  await l.crashClient();
  expect((await pending).outcome).toBe('info');
  await heal();
  await l.restartClient();
  if (resumes) await l.executed('op');
  // Positive control: an op sent after the restart, down the same link, ran; a resent or duplicate `op` sent
  // before it had as long to arrive.
  expect((await l.append('control')).outcome).toBe('ok');
  expect((await l.counts()).get('control')).toBe(1);
  return (await l.counts()).get('op') ?? 0;
}

describe('sender crash', () => {
  it('exactly-once: the durable outbox resends the unacknowledged call after the restart: executed once', async () => {
    lab = await LogLab.start({ semantics: 'exactly-once', config: fastRetransmit });
    expect(await senderCrashWhileUnacked(lab, true)).toBe(1);
    expect(lab.a.events('outbox-resumed').length).toBe(1);
    // Sequence numbers are not reused: a new op after the restart is executed, not mistaken for a duplicate.
    expect((await lab.append('after')).outcome).toBe('ok');
    expect((await lab.counts()).get('after')).toBe(1);
  });

  it('at-least-once: the sender forgets the message with its crash: never executed (the op was info)', async () => {
    lab = await LogLab.start({ semantics: 'at-least-once', config: fastRetransmit });
    expect(await senderCrashWhileUnacked(lab, false)).toBe(0);
  });
});
