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
}

function holdOf(execution: Execution): Hold {
  const from = execution.takenAt!;
  return { by: execution.by, from, until: Math.max(from, execution.leaseUntil ?? execution.time) };
}

/**
 * The holds of remote receivers (`receive` ops that got a message). A remote receiver is its connection: if the
 * connection breaks, the owner takes the message back at once, before the lease ends, and nothing in the history
 * says when. So a hold is only claimed to last until `leaseUntil` when no fault window touching either end (a
 * link from or to it, a partition, a crash or pause of it) overlaps it; the others are left out, never guessed.
 */
function remoteHolds(history: readonly Op[], faults: readonly FaultEvent[]): { holds: { id: string; hold: Hold }[]; uncertain: number } {
  const windows = faultWindows(faults).map((w) => ({ ...w, stop: w.stop ?? Infinity }));
  const holds: { id: string; hold: Hold }[] = [];
  let uncertain = 0;
  for (const op of history) {
    if (op.f !== 'receive' || op.type !== 'ok') continue;
    const { got, receiver, takenAt, leaseUntil, from } = op.value as Record<string, unknown>;
    if (typeof got !== 'string' || typeof receiver !== 'string' || typeof takenAt !== 'number' || typeof leaseUntil !== 'number') continue;
    const ends = [op.node, typeof from === 'string' ? from : ''];
    const disturbed = windows.some((w) => w.start < leaseUntil && w.stop > takenAt && touches(w.target, ends));
    if (disturbed) uncertain += 1;
    else holds.push({ id: got, hold: { by: receiver, from: takenAt, until: Math.max(takenAt, leaseUntil) } });
  }
  return { holds, uncertain };
}

/** Whether a fault's target names one of the nodes: as a node, an end of a link, or a member of a partition. */
function touches(target: Record<string, unknown>, nodes: readonly string[]): boolean {
  const named = JSON.stringify(target);
  return nodes.some((node) => node !== '' && new RegExp(`(^|[^a-z0-9])${node}([^a-z0-9]|$)`).test(named));
}

/**
 * No message is held by two receivers at once: for one id, the hold intervals [takenAt, leaseUntil] of
 * different receivers must not overlap. A redelivery after a lease expired is fine (intervals follow each
 * other); consumer executions (those with `takenAt`) and remote receivers' holds take part, procedure runs have
 * no holder.
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
  const remote = remoteHolds(input.history, input.faults);
  for (const { id, hold } of remote.holds) {
    const list = holdsById.get(id);
    if (list) list.push(hold);
    else holdsById.set(id, [hold]);
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
      enough: consumerExecutions + remote.holds.length >= MIN_CONSUMER_EXECUTIONS_FOR_EXCLUSIVE_RECEIVE,
      holds: `${plural(holdsById.size, 'message')} received, never by two receivers at once`,
      tooShort: 'no consumer execution recorded (none with takenAt): no message was received',
      violated: `${plural(counterexamples.length, 'message')} held by two receivers at once`,
    },
    {
      consumerExecutions,
      remoteHolds: remote.holds.length,
      remoteHoldsUnderFaults: remote.uncertain,
      messagesReceived: holdsById.size,
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
