import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkRun, type Verdict } from '../../harness/checkers/index.ts';
import { compareWithExpected, writeVerdictFile } from '../../harness/outcome/index.ts';
import { writeRunRecords, type Execution, type FaultEvent, type Op } from '../../harness/history/index.ts';
import { seededRandom } from '../../nodes/random.ts';

/**
 * A run folder as `chaoslab run` writes it, for a bug-zoo setting (`no-reply-cache`): replies from n2 to n1 are
 * lost for a window, n1 retransmits, and n2 runs each retransmission again. n3 crashes and restarts, so its
 * clients' calls fail meanwhile. The verdicts come from the real checkers.
 */
export interface SimulatedRun {
  dir: string;
  /** An op id that executed more than once: the at-most-once counterexample the report must show. */
  duplicatedId: string;
}

/** Epoch ms of the simulated run's time 0 (its node logs are stamped from it; verdict.json does not say it). */
export const EPOCH_OF_ZERO = Date.UTC(2026, 0, 1);
const RUN_MS = 1_200;
const LOST_REPLIES = { start: 300, end: 600 };
const CRASH = { start: 700, end: 900 };
const RETRANSMIT_MS = 40;

export async function simulatedRun(dir: string, seed = 7): Promise<SimulatedRun> {
  const random = seededRandom(seed);
  const ops: Omit<Op, 'index'>[] = [];
  const executions: Execution[] = [];
  const logs: Record<string, object[]> = { n1: [], n2: [], n3: [] };
  const log = (node: string, time: number, event: string, fields: object) =>
    logs[node]!.push({ ts: EPOCH_OF_ZERO + time, node, event, ...fields });
  const seqs: Record<string, number> = { n1: 0, n3: 0 };
  let opNumber = 0;
  let duplicatedId = '';

  for (let process = 0; process < 4; process++) {
    const node = process < 2 ? 'n1' : 'n3';
    let time = 5 + random() * 5;
    while (time < RUN_MS - 30) {
      const id = `op-${opNumber++}`;
      const invoke = time;
      ops.push({ process, type: 'invoke', f: 'append', value: { id }, node, time: invoke });
      if (node === 'n3' && invoke >= CRASH.start && invoke < CRASH.end) {
        const end = invoke + 1 + random();
        ops.push({ process, type: 'fail', f: 'append', value: { id }, node, time: end, error: 'NotSent: n3 is down' });
        time = end + 8 + random() * 4;
        continue;
      }
      const key = { from: node, seq: ++seqs[node]! };
      let attempt = invoke + 0.3;
      let executedTimes = 0;
      for (;;) {
        log(node, attempt, 'msg-out', { id: key, to: 'n2', type: 'call' });
        log('n2', attempt + 0.4, 'msg-in', { id: key, from: node, type: 'call' });
        const executed = attempt + 0.8 + random();
        executions.push({ id, node: 'n2', by: `n2/worker-${1 + Math.floor(random() * 4)}`, key, time: executed, intact: true });
        executedTimes++;
        const replyLost = node === 'n1' && executed >= LOST_REPLIES.start && executed < LOST_REPLIES.end;
        if (!replyLost) {
          log('n2', executed + 0.1, 'reply', { id: key });
          const end = executed + 0.5 + random();
          ops.push({ process, type: 'ok', f: 'append', value: { id }, node, time: end });
          time = end + 1 + random() * 3;
          break;
        }
        log('n2', executed + 0.1, 'reply', { id: key });
        attempt += RETRANSMIT_MS;
      }
      if (executedTimes > 1 && !duplicatedId) duplicatedId = id;
    }
  }
  log('n3', CRASH.end + 40, 'listening', { port: 40123 });

  const faults: Omit<FaultEvent, 'index'>[] = [
    { id: 'f0', type: 'start', fault: 'lose-replies', target: { link: 'n1->n2', probability: 1 }, time: LOST_REPLIES.start },
    { id: 'f0', type: 'stop', fault: 'lose-replies', target: { link: 'n1->n2', probability: 1 }, time: LOST_REPLIES.end },
    { id: 'f1', type: 'start', fault: 'crash', target: { node: 'n3' }, time: CRASH.start },
    { id: 'f1', type: 'stop', fault: 'crash', target: { node: 'n3' }, time: CRASH.end },
  ];
  const history = ops.sort((a, b) => a.time - b.time).map((op, index) => ({ index, ...op }));
  const faultEvents = faults.map((event, index) => ({ index, ...event }));
  executions.sort((a, b) => a.time - b.time);

  mkdirSync(join(dir, 'nodes'), { recursive: true });
  for (const [node, lines] of Object.entries(logs)) {
    lines.sort((a, b) => (a as { ts: number }).ts - (b as { ts: number }).ts);
    writeFileSync(join(dir, 'nodes', `${node}.log`), lines.map((line) => JSON.stringify(line)).join('\n') + '\n');
  }
  const expected: Record<string, Verdict> = { 'at-most-once': 'violated', 'at-least-once': 'holds', 'exactly-once': 'violated' };
  const input = { history, executions, faults: faultEvents, healed: true, options: { eventual: true } };
  const results = checkRun(input, [...Object.keys(expected), 'availability']);
  const { observed, ok } = compareWithExpected(results, expected);
  await Promise.all([
        writeRunRecords(dir, { history, faults: faultEvents, executions }),
        writeVerdictFile(dir, {
          scenario: 'lost-reply-no-reply-cache',
          backend: 'process',
          seed,
          expected,
          observed,
          results,
          availability: results.find((r) => r.checker === 'availability')?.stats ?? {},
          ok,
          ops: history.filter((op) => op.type === 'invoke').length,
          faults: 2,
          durationMs: RUN_MS,
          replay: `npx chaoslab run lost-reply-no-reply-cache --seed ${seed}`,
          healed: true,
          options: { eventual: true },
        }),
  ]);
  return { dir, duplicatedId };
}
