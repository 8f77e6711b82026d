import { afterAll, expect, it } from 'vitest';
import { seededRandom } from '../../nodes/semantics/random.ts';
import { LogLab } from './log-lab.ts';

// exactly-once survives SIGKILLs of the receiver at random instants during a stream of appends: no op runs
// twice, and every op the harness saw acknowledged (ok) is in the log.

const KILLS = 50;
let lab: LogLab | undefined;
afterAll(async () => {
  await lab?.close();
});

it(`exactly-once: ${KILLS} SIGKILLs of the receiver, zero duplicates and zero lost acknowledged appends`, { timeout: 400_000 }, async () => {
  lab = await LogLab.start({
    semantics: 'exactly-once',
    config: { retransmit: { initialMs: 20, maxMs: 100, maxAttempts: 100_000, giveUpMs: 60_000 } },
  });
  const l = lab;
  const random = seededRandom(2026);
  const outcomes = new Map<string, string>();
  let killing = true;
  let next = 0;
  const driver = async () => {
    while (killing) {
      const id = `op-${next++}`;
      outcomes.set(id, 'invoked');
      const result = await l.append(id, 60_000).catch((error: Error) => ({ outcome: 'info', error: error.message }));
      outcomes.set(id, result.outcome);
    }
  };
  const drivers = Array.from({ length: 4 }, driver);
  for (let kill = 0; kill < KILLS; kill++) {
    await new Promise((resolve) => setTimeout(resolve, 20 + random() * 200));
    await l.crashServer();
    await l.restartServer();
  }
  killing = false;
  await Promise.all(drivers);
  expect(l.a.running, `client node died:\n${l.a.tail(40)}`).toBe(true);

  const counts = await l.counts();
  const duplicated = [...counts].filter(([, count]) => count > 1);
  const lost = [...outcomes].filter(([id, outcome]) => outcome === 'ok' && !counts.has(id));
  const ok = [...outcomes.values()].filter((outcome) => outcome === 'ok').length;
  expect(duplicated).toEqual([]);
  expect(lost).toEqual([]);
  expect(ok).toBeGreaterThan(KILLS);
  // The kills really hit in-flight work: some calls were recovered from the journal after a restart.
  expect(l.b.events('executions-recovered')[0]!.executions).toBeGreaterThan(0);
});
