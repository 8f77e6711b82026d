import { afterAll, expect, it } from 'vitest';
import { seededRandom } from '../../nodes/random.ts';
import { sleep } from '../helpers/wait.ts';
import { LogLab } from './log-lab.ts';

// exactly-once survives SIGKILLs of the receiver at random instants during a stream of appends: no op runs
// twice, and every op the harness saw acknowledged (ok) is in the log.

const KILLS = 50;
/** Every loop here stops by itself: the kills within this budget, the drivers after this many appends. */
const KILL_BUDGET_MS = 300_000;
const MAX_APPENDS = 50_000;
/** Each append's harness deadline: a driver's last append ends at most this long after the kills stop. */
const APPEND_DEADLINE_MS = 60_000;

let lab: LogLab | undefined;
afterAll(async () => {
  await lab?.close();
});

/** Rejects with `what` if `work` has not settled within `ms`. */
async function within<T>(ms: number, what: string, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_resolve, reject) => (timer = setTimeout(() => reject(new Error(`${what}: not done within ${ms} ms`)), ms)));
  try {
    return await Promise.race([work, late]);
  } finally {
    clearTimeout(timer);
  }
}

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
    // A dead client node answers every append at once with an error: without the running check and the yield to
    // the timers, this loop would starve the event loop (and with it the test's own timeout).
    while (killing && next < MAX_APPENDS) {
      const id = `op-${next++}`;
      outcomes.set(id, 'invoked');
      const result = await l.append(id, APPEND_DEADLINE_MS).catch((error: Error) => ({ outcome: 'info', error: error.message }));
      outcomes.set(id, result.outcome);
      if (result.outcome !== 'ok' && !(await l.a.answers())) break;
      await new Promise((resolve) => setImmediate(resolve));
    }
  };
  const drivers = Array.from({ length: 4 }, driver);
  const killsEnd = Date.now() + KILL_BUDGET_MS;
  try {
    for (let kill = 0; kill < KILLS; kill++) {
      if (!(await l.a.answers())) throw new Error(`the client node died after ${kill} kills of the receiver:\n${l.a.tail(40)}`);
      if (Date.now() >= killsEnd) throw new Error(`only ${kill} of ${KILLS} kills within ${KILL_BUDGET_MS} ms`);
      await sleep(20 + random() * 200);
      await within(30_000, `SIGKILL ${kill + 1} of the receiver`, l.crashServer());
      await within(120_000, `restart ${kill + 1} of the receiver`, l.restartServer());
    }
  } finally {
    killing = false;
    await within(APPEND_DEADLINE_MS + 30_000, 'the drivers stopping', Promise.all(drivers));
  }
  expect(await l.a.answers(), `client node died:\n${l.a.tail(40)}`).toBe(true);

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
