import { afterEach, describe, expect, it } from 'vitest';
import { sleep } from '../helpers/wait.ts';
import { LogLab } from './log-lab.ts';

// Each setting under lost messages (a->b upstream dropped) and lost replies (b->a downstream dropped): what the
// history says (ok / fail / info) and how many times the log ran each op, against docs/SEMANTICS.md.

let lab: LogLab | undefined;
afterEach(async () => {
  await lab?.close();
  lab = undefined;
});

const fast = { retransmit: { initialMs: 20, maxMs: 100, giveUpMs: 3000 } };

async function start(semantics: string): Promise<LogLab> {
  const started = await LogLab.start({ semantics, config: fast });
  for (let i = 0; i < 3; i++) expect((await started.append(`warm-${i}`)).outcome).toBe('ok');
  return started;
}

/** Drop `stream` for `ms` while op `id` is in flight; returns its outcome after healing. */
async function withLoss(l: LogLab, stream: 'upstream' | 'downstream', id: string, ms: number, deadlineMs: number) {
  const heal = await l.lose(stream);
  const pending = l.append(id, deadlineMs);
  // The loss lasts `ms`, or until the call settled under it (past its deadline): later it would change nothing.
  await Promise.race([pending.catch(() => {}), sleep(ms)]);
  await heal();
  return (await pending).outcome;
}

describe('delivery settings under lost messages and lost replies', () => {
  it('at-most-once: no retransmission; a lost message or reply is info (never fail), run at most once', async () => {
    lab = await start('at-most-once');
    expect(await withLoss(lab, 'upstream', 'lost-message', 1800, 1500)).toBe('info');
    expect(await withLoss(lab, 'downstream', 'lost-reply', 1800, 1500)).toBe('info');
    const counts = await lab.counts();
    expect(counts.get('lost-message') ?? 0).toBe(0);
    expect(counts.get('lost-reply')).toBe(1);
  });

  it('at-least-once: retransmits through both; a lost reply makes the log run the op more than once', async () => {
    lab = await start('at-least-once');
    expect(await withLoss(lab, 'upstream', 'lost-message', 400, 8000)).toBe('ok');
    expect(await withLoss(lab, 'downstream', 'lost-reply', 600, 8000)).toBe('ok');
    const counts = await lab.counts();
    expect(counts.get('lost-message')).toBeGreaterThanOrEqual(1);
    expect(counts.get('lost-reply')).toBeGreaterThan(1);
  });

  for (const semantics of ['exactly-once-volatile', 'exactly-once']) {
    it(`${semantics}: retransmissions are filtered and answered from the reply cache: one execution each`, async () => {
      lab = await start(semantics);
      expect(await withLoss(lab, 'upstream', 'lost-message', 400, 8000)).toBe('ok');
      expect(await withLoss(lab, 'downstream', 'lost-reply', 600, 8000)).toBe('ok');
      const counts = await lab.counts();
      expect(counts.get('lost-message')).toBe(1);
      expect(counts.get('lost-reply')).toBe(1);
      await lab.b.waitForCount('duplicate', 1);
    });
  }
});

describe('a lost hello', () => {
  it('is a lost connection, not a refusal: the sender reconnects, says hello again and its message arrives', async () => {
    // No warm-up: a's first connection to b opens while every frame a->b is lost, its hello included.
    lab = await LogLab.start({ semantics: 'at-least-once', config: fast });
    expect(await withLoss(lab, 'upstream', 'first-message', 400, 8000)).toBe('ok');
    await lab.b.waitForCount((line) => line.event === 'drop' && line.reason === 'hello-missing', 1);
    expect((await lab.counts()).get('first-message')).toBeGreaterThanOrEqual(1);
  });
});
