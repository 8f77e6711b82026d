import type { Execution } from '../history/op.ts';
import { formatTime, opIndicesOf } from './evidence.ts';
import { decide, plural, type CheckInput, type Checker, type Counterexample, type Result } from './result.ts';

/** Without one consumer execution (one with `takenAt`) no message was received at all. */
export const MIN_CONSUMER_EXECUTIONS_FOR_EXCLUSIVE_RECEIVE = 1;

interface Hold {
  by: string;
  from: number;
  until: number;
  execution: Execution;
}

function holdOf(execution: Execution): Hold {
  const from = execution.takenAt!;
  return { by: execution.by, from, until: Math.max(from, execution.leaseUntil ?? execution.time), execution };
}

/**
 * No message is held by two receivers at once: for one id, the hold intervals [takenAt, leaseUntil] of
 * different receivers must not overlap. A redelivery after a lease expired is fine (intervals follow each
 * other); only consumer executions (those with `takenAt`) take part, procedure runs have no holder.
 */
export function checkExclusiveReceive(input: CheckInput): Result {
  const holdsById = new Map<string, Hold[]>();
  let consumerExecutions = 0;
  for (const execution of input.executions) {
    if (execution.takenAt === undefined) continue;
    consumerExecutions += 1;
    const list = holdsById.get(execution.id);
    if (list) list.push(holdOf(execution));
    else holdsById.set(execution.id, [holdOf(execution)]);
  }
  const overlaps = new Map<string, [Hold, Hold]>();
  for (const [id, holds] of holdsById) {
    const overlap = holds.length > 1 ? firstOverlap(holds) : undefined;
    if (overlap) overlaps.set(id, overlap);
  }
  const opIndices = opIndicesOf(input.history, overlaps.keys());
  const counterexamples: Counterexample[] = [];
  for (const [id, [earlier, later]] of overlaps) {
    counterexamples.push({
      id,
      ops: opIndices.get(id)!,
      times: [earlier.from, later.from, Math.min(earlier.until, later.until)],
      what: `${id} was held by ${earlier.by} (${formatTime(earlier.from)} to ${formatTime(earlier.until)}) and by ${later.by} (from ${formatTime(later.from)}) at the same time`,
    });
  }
  return decide(
    'exclusive-receive',
    counterexamples,
    {
      enough: consumerExecutions >= MIN_CONSUMER_EXECUTIONS_FOR_EXCLUSIVE_RECEIVE,
      holds: `${plural(holdsById.size, 'message')} received, never by two receivers at once`,
      tooShort: 'no consumer execution recorded (none with takenAt): no message was received',
      violated: `${plural(counterexamples.length, 'message')} held by two receivers at once`,
    },
    { consumerExecutions, messagesReceived: holdsById.size, sharedMessages: counterexamples.length },
  );
}

/**
 * Sweeps the holds in start order, keeping the two latest-ending holds of distinct receivers: whichever of
 * them is not the current receiver's is the only one that can overlap it. n log n in the holds of one id.
 */
function firstOverlap(holds: Hold[]): [Hold, Hold] | undefined {
  const sorted = [...holds].sort((a, b) => a.from - b.from);
  let latest: Hold | undefined;
  let runnerUp: Hold | undefined;
  for (const hold of sorted) {
    const other = latest && latest.by !== hold.by ? latest : runnerUp;
    if (other && other.until > hold.from) return [other, hold];
    if (!latest || hold.until > latest.until) {
      if (latest && latest.by !== hold.by) runnerUp = latest;
      latest = hold;
    } else if (hold.by !== latest.by && (!runnerUp || hold.until > runnerUp.until)) {
      runnerUp = hold;
    }
  }
  return undefined;
}

export const exclusiveReceive: Checker = {
  name: 'exclusive-receive',
  summary: 'no message held by two receivers at once',
  check: checkExclusiveReceive,
};
