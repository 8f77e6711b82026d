import { faultWindows } from '../history/faults.ts';
import type { Execution, FaultEvent, Op } from '../history/op.ts';
import { formatTime, opIndicesOf } from './evidence.ts';
import { decide, plural, type CheckInput, type Checker, type Counterexample, type Result } from './result.ts';

/** Without one consumer execution (one with `takenAt`) no message was received at all. */
export const MIN_CONSUMER_EXECUTIONS_FOR_EXCLUSIVE_RECEIVE = 1;

/**
 * Lease times are whole milliseconds of the owner's wall clock, while its expiry timer runs on the monotonic
 * clock: a redelivery can be stamped up to a millisecond before the `leaseUntil` it ended. Overlaps that short
 * are that rounding, not two holders.
 */
export const LEASE_CLOCK_SLACK_MS = 1;

interface Hold {
  by: string;
  from: number;
  until: number;
  /** The op id of the message held. */
  id: string;
  /** The arrival held, when the node names it (`copy`), as `copy C on NODE`. */
  copy?: string;
}

/**
 * A consumer holds a message from its take until it acts on it (the execution, after which it says done) or
 * its lease runs out, whichever comes first: after either, the message may go to someone else without harm.
 */
function holdOf(execution: Execution): Hold {
  const from = execution.takenAt!;
  const until = Math.min(execution.time, execution.leaseUntil ?? execution.time);
  const copy = execution.copy !== undefined ? `copy ${execution.copy} on ${execution.node}` : undefined;
  return { by: execution.by, from, until: Math.max(from, until), id: execution.id, ...(copy ? { copy } : {}) };
}

/**
 * The message a take is of: one arrival in one node's mailbox. A node that names its arrivals (`copy`) has each
 * retransmitted copy counted as a message of its own; without it, every copy of an id on a node is one message.
 */
function messageOf(node: string, id: string, copy: string | undefined): string {
  return JSON.stringify([node, id, copy ?? null]);
}

/**
 * The holds of remote receivers (`receive` ops that got a message), which never act on it: each holds its message
 * until the lease ends. A remote receiver is its connection: if the connection breaks, the owner takes the message
 * back at once, before the lease ends, and nothing in the history says when. So a hold is only claimed to last
 * until `leaseUntil` when no fault window touching either end (a link from or to it, a partition, a crash or pause
 * of it) overlaps it; the others are left out, never guessed.
 */
function remoteHolds(history: readonly Op[], faults: readonly FaultEvent[]): { holds: { message: string; hold: Hold }[]; uncertain: number } {
  const windows = faultWindows(faults).map((w) => ({ ...w, stop: w.stop ?? Infinity }));
  const holds: { message: string; hold: Hold }[] = [];
  let uncertain = 0;
  for (const op of history) {
    if (op.f !== 'receive' || op.type !== 'ok') continue;
    // `from`: the node whose mailbox the message was taken from.
    const { got, receiver, takenAt, leaseUntil, from: owner, copy } = op.value as Record<string, unknown>;
    if (typeof got !== 'string' || typeof receiver !== 'string' || typeof takenAt !== 'number' || typeof leaseUntil !== 'number') continue;
    if (typeof owner !== 'string') continue;
    const disturbed = windows.some((w) => w.start < leaseUntil && w.stop > takenAt && touches(w.target, [op.node ?? '', owner]));
    if (disturbed) {
      uncertain += 1;
      continue;
    }
    const named = typeof copy === 'string' ? copy : undefined;
    holds.push({
      message: messageOf(owner, got, named),
      hold: { by: receiver, from: takenAt, until: Math.max(takenAt, leaseUntil), id: got, ...(named ? { copy: `copy ${named} on ${owner}` } : {}) },
    });
  }
  return { holds, uncertain };
}

/** Whether a fault's target names one of the nodes: as a node, an end of a link, or a member of a partition. */
function touches(target: Record<string, unknown>, nodes: readonly string[]): boolean {
  const named = JSON.stringify(target);
  return nodes.some((node) => node !== '' && new RegExp(`(^|[^a-z0-9])${node}([^a-z0-9]|$)`).test(named));
}

/**
 * No message is held by two receivers at once: for one message, the holds of different receivers must not
 * overlap. A redelivery after a lease expired is fine (the holds follow each other), and so is a second copy of
 * an op (a retransmission queued again), taken while or after the first was held: that is a duplicate, which
 * at-most-once judges. Consumer executions (those with `takenAt`) and remote receivers' holds take part;
 * procedure runs have no holder.
 */
export function checkExclusiveReceive(input: CheckInput): Result {
  const holdsByMessage = new Map<string, Hold[]>();
  const ids = new Set<string>();
  const add = (message: string, hold: Hold) => {
    ids.add(hold.id);
    const list = holdsByMessage.get(message);
    if (list) list.push(hold);
    else holdsByMessage.set(message, [hold]);
  };
  let consumerExecutions = 0;
  for (const execution of input.executions) {
    if (execution.takenAt === undefined) continue;
    consumerExecutions += 1;
    add(messageOf(execution.node, execution.id, execution.copy), holdOf(execution));
  }
  const remote = remoteHolds(input.history, input.faults);
  for (const { message, hold } of remote.holds) add(message, hold);
  const overlaps: [Hold, Hold][] = [];
  for (const holds of holdsByMessage.values()) {
    const overlap = holds.length > 1 ? firstOverlap(holds) : undefined;
    if (overlap) overlaps.push(overlap);
  }
  const opIndices = opIndicesOf(input.history, overlaps.map(([earlier]) => earlier.id));
  const counterexamples: Counterexample[] = [];
  for (const [earlier, later] of overlaps) {
    const id = earlier.id;
    counterexamples.push({
      id,
      ops: opIndices.get(id)!,
      times: [earlier.from, later.from, Math.min(earlier.until, later.until)],
      what: `${id}${earlier.copy ? ` (${earlier.copy})` : ''} was held by ${earlier.by} (${formatTime(earlier.from)} to ${formatTime(earlier.until)}) and by ${later.by} (from ${formatTime(later.from)}) at the same time`,
    });
  }
  return decide(
    'exclusive-receive',
    counterexamples,
    {
      enough: consumerExecutions + remote.holds.length >= MIN_CONSUMER_EXECUTIONS_FOR_EXCLUSIVE_RECEIVE,
      holds: `${plural(holdsByMessage.size, 'message')} received (${plural(ids.size, 'op')}), never one by two receivers at once`,
      tooShort: 'no consumer execution recorded (none with takenAt): no message was received',
      violated: `${plural(counterexamples.length, 'message')} held by two receivers at once`,
    },
    {
      consumerExecutions,
      remoteHolds: remote.holds.length,
      remoteHoldsUnderFaults: remote.uncertain,
      messagesReceived: holdsByMessage.size,
      opsReceived: ids.size,
      sharedMessages: counterexamples.length,
    },
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
    if (other && other.until - LEASE_CLOCK_SLACK_MS > hold.from) return [other, hold];
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
