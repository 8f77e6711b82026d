import { afterEach, describe, expect, it } from 'vitest';
import { sleep, waitFor } from '../helpers/wait.ts';
import { fastRetransmit, LogLab } from './log-lab.ts';

// Every bug-zoo variant shows its defect over real processes (docs/SEMANTICS.md, "The bug zoo").

let lab: LogLab | undefined;
afterEach(async () => {
  await lab?.close();
  lab = undefined;
});


async function start(semantics: string, bug: string, extra: Partial<Parameters<typeof LogLab.start>[0]> = {}): Promise<LogLab> {
  const started = await LogLab.start({ semantics, bug, config: fastRetransmit, ...extra });
  expect((await started.append('warm')).outcome).toBe('ok');
  return started;
}

/** Lose replies while `id` is in flight for `ms`, then heal; the op's outcome and execution count. */
async function lostReply(l: LogLab, id: string, ms = 700, deadlineMs = 15_000) {
  const heal = await l.lose('downstream');
  const pending = l.append(id, deadlineMs);
  // The loss lasts `ms`, or until the call settled under it (past its deadline): later it would change nothing.
  await Promise.race([pending.catch(() => {}), sleep(ms)]);
  await heal();
  const { outcome } = await pending;
  return { outcome, count: (await l.counts()).get(id) ?? 0 };
}

describe('bug zoo', () => {
  it('ack-before-durable: a SIGKILL right after the reply loses an acknowledged append', async () => {
    lab = await start('exactly-once', 'ack-before-durable');
    const outcomes = await Promise.all(['x1', 'x2', 'x3'].map((id) => lab!.append(id)));
    await lab.crashServer();
    await lab.restartServer();
    expect(outcomes.every((o) => o.outcome === 'ok')).toBe(true);
    const counts = await lab.counts();
    expect(['x1', 'x2', 'x3'].filter((id) => !counts.has(id)).length).toBeGreaterThan(0);
  });

  it('volatile-dedup: exactly-once by name, but a receiver crash makes a retransmission run twice', async () => {
    lab = await start('exactly-once', 'volatile-dedup');
    const heal = await lab.lose('downstream');
    const pending = lab.append('op', 60_000);
    await lab.executed('op');
    await lab.crashServer();
    await lab.restartServer();
    await heal();
    expect((await pending).outcome).toBe('ok');
    expect((await lab.counts()).get('op')).toBe(2);
  });

  it('seq-restart: after a sender restart a new append reuses seq 0 and gets a stale cached reply without running', async () => {
    lab = await LogLab.start({ semantics: 'exactly-once', bug: 'seq-restart', config: fastRetransmit });
    expect((await lab.append('first')).outcome).toBe('ok');
    await lab.crashClient();
    await lab.restartClient();
    expect((await lab.append('second')).outcome).toBe('ok');
    const counts = await lab.counts();
    expect(counts.get('first')).toBe(1);
    expect(counts.get('second') ?? 0).toBe(0);
  });

  it('no-reply-cache: a retransmission after the first run finished runs the procedure again', async () => {
    lab = await start('exactly-once', 'no-reply-cache');
    const { outcome, count } = await lostReply(lab, 'op');
    expect(outcome).toBe('ok');
    expect(count).toBeGreaterThan(1);
  });

  it('fresh-id-per-retransmit: every retransmission looks new to the dedup table and runs', async () => {
    lab = await start('exactly-once', 'fresh-id-per-retransmit');
    const { outcome, count } = await lostReply(lab, 'op');
    expect(outcome).toBe('ok');
    expect(count).toBeGreaterThan(1);
  });

  it('give-up-as-fail: a call whose reply was lost is reported fail although it ran', async () => {
    lab = await start('at-most-once', 'give-up-as-fail');
    const { outcome, count } = await lostReply(lab, 'op', 1800, 1500);
    expect(outcome).toBe('fail');
    expect(count).toBe(1);
  });

  it('skip-checksum: corrupted frames are acted on: executions that are not intact', async () => {
    lab = await start('at-least-once', 'skip-checksum');
    const heal = await lab.toxic('corrupt_frames', 'upstream', 0.5);
    const body = 'rutabaga '.repeat(400);
    for (let i = 0; i < 12; i++) await lab.append(`c${i}`, 10_000, body);
    await heal();
    const executions = await lab.executions();
    expect(executions.filter((e) => !e.intact).length).toBeGreaterThan(0);
  });

  it('shared-receive: two competing consumers act on the same message at once', async () => {
    lab = await start('at-least-once', 'shared-receive', { serverPrograms: ['consumer'], serverOptions: { consumers: 2, workMs: 200 } });
    await Promise.all(Array.from({ length: 6 }, (_, i) => lab!.send(`m${i}`)));
    const consumedBy = async () => {
      const byId = new Map<string, string[]>();
      for (const execution of await lab!.executions()) {
        if (!execution.by.includes('consumer')) continue;
        byId.set(execution.id, [...(byId.get(execution.id) ?? []), execution.by]);
      }
      return byId;
    };
    const shared = async () => [...(await consumedBy()).values()].filter((by) => new Set(by).size > 1);
    // Waits for the defect to show, bounded: without it, no message is ever acted on by two consumers.
    await waitFor(async () => (await shared()).length > 0, { timeoutMs: 15_000, everyMs: 50 });
    expect((await shared()).length).toBeGreaterThan(0);
  });
});
