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

/**
 * A receiver holds a message from its take until it acts on it (the execution, after which it says done) or
 * its lease runs out, whichever comes first: after either, the message may go to someone else without harm.
 */
function holdOf(execution: Execution): Hold {
  const from = execution.takenAt!;
  const until = Math.min(execution.time, execution.leaseUntil ?? execution.time);
  return { by: execution.by, from, until: Math.max(from, until), execution };
}

/**
 * The message a take is of: one arrival in one node's mailbox. A node that names its arrivals (`copy`) has each
 * retransmitted copy counted as a message of its own; without it, every copy of an id on a node is one message.
 */
function messageOf(execution: Execution): string {
  return JSON.stringify([execution.node, execution.id, execution.copy ?? null]);
}

/**
 * No message is held by two receivers at once: for one message, the holds of different receivers must not
 * overlap. A redelivery after a lease expired is fine (the holds follow each other), and so is a second copy of
 * an op (a retransmission queued again), taken while or after the first was held: that is a duplicate, which
 * at-most-once judges. Only consumer executions (those with `takenAt`) take part; procedure runs have no holder.
 */
export function checkExclusiveReceive(input: CheckInput): Result {
  const holdsByMessage = new Map<string, Hold[]>();
  const ids = new Set<string>();
  let consumerExecutions = 0;
  for (const execution of input.executions) {
    if (execution.takenAt === undefined) continue;
    consumerExecutions += 1;
    ids.add(execution.id);
    const message = messageOf(execution);
    const list = holdsByMessage.get(message);
    if (list) list.push(holdOf(execution));
    else holdsByMessage.set(message, [holdOf(execution)]);
  }
  const overlaps: [Hold, Hold][] = [];
  for (const holds of holdsByMessage.values()) {
    const overlap = holds.length > 1 ? firstOverlap(holds) : undefined;
    if (overlap) overlaps.push(overlap);
  }
  const opIndices = opIndicesOf(input.history, overlaps.map(([earlier]) => earlier.execution.id));
  const counterexamples: Counterexample[] = [];
  for (const [earlier, later] of overlaps) {
    const id = earlier.execution.id;
    const copy = earlier.execution.copy !== undefined ? ` (copy ${earlier.execution.copy} on ${earlier.execution.node})` : '';
    counterexamples.push({
      id,
      ops: opIndices.get(id)!,
      times: [earlier.from, later.from, Math.min(earlier.until, later.until)],
      what: `${id}${copy} was held by ${earlier.by} (${formatTime(earlier.from)} to ${formatTime(earlier.until)}) and by ${later.by} (from ${formatTime(later.from)}) at the same time`,
    });
  }
  return decide(
    'exclusive-receive',
    counterexamples,
    {
      enough: consumerExecutions >= MIN_CONSUMER_EXECUTIONS_FOR_EXCLUSIVE_RECEIVE,
      holds: `${plural(holdsByMessage.size, 'message')} received (${plural(ids.size, 'op')}), never one by two receivers at once`,
      tooShort: 'no consumer execution recorded (none with takenAt): no message was received',
      violated: `${plural(counterexamples.length, 'message')} held by two receivers at once`,
    },
    { consumerExecutions, messagesReceived: holdsByMessage.size, opsReceived: ids.size, sharedMessages: counterexamples.length },
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
