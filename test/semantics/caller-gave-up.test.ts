import { afterEach, describe, expect, it } from 'vitest';
import { waitFor } from '../helpers/wait.ts';
import { LogLab } from './log-lab.ts';

// A call whose caller stopped waiting (its deadline passed while a fault held it) is indeterminate to the caller,
// and under every retransmitting setting the sender goes on delivering it until acknowledged or its give-up time:
// once the fault heals it runs (once, under the dedup settings). docs/SEMANTICS.md, "A call whose caller gave up".

let lab: LogLab | undefined;
afterEach(async () => {
  await lab?.close();
  lab = undefined;
});

const patient = { retransmit: { initialMs: 20, maxMs: 150, maxAttempts: 100_000, giveUpMs: 60_000 } };
const CALLER_DEADLINE_MS = 300;
const WAIT_MS = 30_000;

/** Polls `read` until `done` says yes, at most WAIT_MS; returns the last value read. */
async function waitUntil<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  let value!: T;
  await waitFor(async () => done((value = await read())), { timeoutMs: WAIT_MS, everyMs: 50 });
  return value;
}

async function start(semantics: string, serverPrograms: string[] = []): Promise<LogLab> {
  const started = await LogLab.start({ semantics, config: patient, clientOptions: { deadlineMs: CALLER_DEADLINE_MS }, serverPrograms });
  expect((await started.append('warm')).outcome).toBe('ok');
  return started;
}

const unsettled = async (l: LogLab) => (await l.workload().unsettled({})).unsettled;

describe('a call whose caller gave up is still delivered once the fault heals', () => {
  for (const semantics of ['at-least-once', 'exactly-once-volatile', 'exactly-once']) {
    it(`${semantics}: an append lost past its deadline is info, then runs after healing`, async () => {
      lab = await start(semantics);
      const heal = await lab.lose('upstream');
      const held = await lab.append('held-past-deadline');
      expect(held.outcome, held.error).toBe('info');
      expect(await unsettled(lab)).toBe(1);
      await heal();
      const counts = await waitUntil(() => lab!.counts(), (c) => (c.get('held-past-deadline') ?? 0) >= 1);
      expect(counts.get('held-past-deadline') ?? 0).toBeGreaterThanOrEqual(1);
      expect(await waitUntil(() => unsettled(lab!), (n) => n === 0)).toBe(0);
      if (semantics !== 'at-least-once') expect((await lab.counts()).get('held-past-deadline')).toBe(1);
    });
  }

  it('exactly-once: a 1-way send lost past its deadline is info, then consumed once after healing', async () => {
    lab = await start('exactly-once', ['consumer']);
    const heal = await lab.lose('upstream');
    const sent = await lab.send('sent-past-deadline');
    expect(sent.outcome, sent.error).toBe('info');
    expect(await unsettled(lab)).toBe(1);
    await heal();
    const counts = await waitUntil(() => lab!.counts(), (c) => (c.get('sent-past-deadline') ?? 0) >= 1);
    expect(counts.get('sent-past-deadline') ?? 0, lab.b.tail(30)).toBe(1);
    expect(await waitUntil(() => unsettled(lab!), (n) => n === 0)).toBe(0);
  });

  it('a call or 1-way send refused until its deadline (never sent) is fail and is not sent afterwards', async () => {
    lab = await start('exactly-once', ['consumer']);
    // The warm-up call's connection must be seen closed first: a call written into it before the client notices
    // the close may have left, and is rightly `info`, not `fail`.
    const outToServer = (line: { event?: unknown; direction?: unknown }) => line.event === 'disconnect' && line.direction === 'out';
    const closedBefore = lab.a.events('disconnect', outToServer).length;
    await lab.proxy.update({ enabled: false, listen: lab.proxy.listen, upstream: lab.proxy.upstream });
    await lab.a.waitForCount(outToServer, closedBefore + 1);
    expect((await lab.append('refused')).outcome).toBe('fail');
    expect((await lab.send('refused-send')).outcome).toBe('fail');
    // Positive control for "not sent afterwards": nothing of either is left to deliver.
    expect(await unsettled(lab)).toBe(0);
  });
});
