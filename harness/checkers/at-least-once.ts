import { faultWindows, killsNode } from '../history/faults.ts';
import type { OpPair } from '../history/pairs.ts';
import type { WireRecord } from '../history/op.ts';
import { deliveries, executionCounts, executionsOf, formatTime, pairIndices, pairTimes } from './evidence.ts';
import { decide, plural, type CheckInput, type Checker, type Counterexample, type Result } from './result.ts';

/** Nothing is promised before one op is acknowledged (or, with eventual delivery, at least invoked). */
export const MIN_OPS_AT_RISK_FOR_AT_LEAST_ONCE = 1;

/**
 * Every acknowledged (`ok`) op executed at least once. An `info` op may or may not have executed, so it is
 * only required when the scenario promises eventual delivery (`options.eventual`) and the faults healed.
 * Separately, a `fail` op must not have executed: the client was told it did not happen and may act on that.
 */
export function checkAtLeastOnce(input: CheckInput): Result {
  const counts = executionCounts(input.executions);
  const eventual = input.options?.eventual === true && input.healed;
  const lostWithSender = eventual ? sendersLost(input) : () => false;
  const counterexamples: Counterexample[] = [];
  let atRisk = 0;
  let acknowledgedLost = 0;
  let indeterminateLost = 0;
  let failedButExecuted = 0;
  let indeterminateSkipped = 0;
  const failedRan: Counterexample[] = [];
  for (const pair of deliveries(input.history)) {
    const id = pair.invoke.value.id;
    const runs = counts.get(id) ?? 0;
    if (pair.outcome === 'fail') {
      if (runs === 0) continue;
      failedButExecuted += 1;
      failedRan.push({
        id,
        ops: pairIndices(pair),
        times: pairTimes(pair),
        what: `${id} was reported failed at ${formatTime(pair.completion!.time)} (${pair.completion!.error ?? 'no error given'}) yet executed ${plural(runs, 'time')}: a definite failure must not have happened (report it as info)`,
      });
      continue;
    }
    if (pair.outcome === 'info' && (!eventual || lostWithSender(pair))) {
      indeterminateSkipped += 1;
      continue;
    }
    atRisk += 1;
    if (runs > 0) continue;
    if (pair.outcome === 'ok') {
      acknowledgedLost += 1;
      counterexamples.push({
        id,
        ops: pairIndices(pair),
        times: pairTimes(pair),
        what: `${id} was acknowledged at ${formatTime(pair.completion!.time)} but never executed`,
      });
    } else {
      indeterminateLost += 1;
      counterexamples.push({
        id,
        ops: pairIndices(pair),
        times: pairTimes(pair),
        what: `${id} (invoked at ${formatTime(pair.invoke.time)}, outcome unknown) never executed although the faults healed and delivery is eventual`,
      });
    }
  }
  // The times of the executions a failed op should not have had: looked up for those few ids only.
  const runsById = executionsOf(input.executions, failedRan.map((example) => example.id));
  for (const example of failedRan) example.times.push(...runsById.get(example.id)!.map((run) => run.time));
  counterexamples.push(...failedRan);
  const promise = eventual ? 'every acknowledged or indeterminate op' : 'every acknowledged op';
  const findings = [
    acknowledgedLost > 0 ? `${plural(acknowledgedLost, 'acknowledged op')} never executed` : '',
    indeterminateLost > 0 ? `${plural(indeterminateLost, 'indeterminate op')} never executed after healing` : '',
    failedButExecuted > 0 ? `${plural(failedButExecuted, 'failed op')} executed anyway` : '',
  ].filter(Boolean);
  return decide(
    'at-least-once',
    counterexamples,
    {
      enough: atRisk >= MIN_OPS_AT_RISK_FOR_AT_LEAST_ONCE,
      holds: `${promise} executed (${plural(atRisk, 'op')} checked${indeterminateSkipped > 0 ? `, ${indeterminateSkipped} indeterminate not required` : ''})`,
      tooShort: eventual ? 'no op acknowledged or pending: nothing was promised' : 'no op acknowledged: nothing was promised',
      violated: findings.join('; '),
    },
    { opsAtRisk: atRisk, acknowledgedLost, indeterminateLost, failedButExecuted, indeterminateNotRequired: indeterminateSkipped },
  );
}

/**
 * Which indeterminate ops eventual delivery cannot ask for: an op whose own node (its sender) crashed while the op
 * was in flight, before any message of it left that node. The sender may have died between taking the op and
 * recording it, which no setting can prevent; a sender that let a message go has it in its outbox, so an op seen
 * on the wire stays required. Only the proxy's wire record tells the two apart: without one every op stays required.
 */
function sendersLost(input: CheckInput): (pair: OpPair) => boolean {
  if (!input.wire) return () => false;
  const crashes = faultWindows(input.faults).filter((window) => killsNode(window.fault));
  if (crashes.length === 0) return () => false;
  const departed = departures(input.wire);
  return (pair) => {
    const { node, time: invoked, value } = pair.invoke;
    const settled = pair.completion?.time ?? Number.POSITIVE_INFINITY;
    const crashedInFlight = crashes.some(
      (window) => window.target.node === node && window.start <= settled && (window.stop === undefined || window.stop >= invoked),
    );
    return crashedInFlight && !departed.has(departureKey(node, value.id));
  };
}

/** `node op` for every op a frame carried out of a node: the upstream of a link `A->B` is what A sent. */
function departures(wire: readonly WireRecord[]): Set<string> {
  const keys = new Set<string>();
  for (const record of wire) {
    if (record.event !== 'sent' || record.op === undefined) continue;
    const [from, to] = record.link.split('->');
    const sender = record.stream === 'upstream' ? from : to;
    if (sender) keys.add(departureKey(sender, record.op));
  }
  return keys;
}

const departureKey = (node: string, op: string) => `${node} ${op}`;

export const atLeastOnce: Checker = {
  name: 'at-least-once',
  summary: 'every acknowledged op executed (every non-failed op, with eventual delivery after healing)',
  check: checkAtLeastOnce,
};
