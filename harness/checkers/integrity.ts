import { executionCounts, executionsOf, formatKey, formatTime, invokedIds, opIndicesOf } from './evidence.ts';
import { decide, plural, type CheckInput, type Checker, type Counterexample, type Result } from './result.ts';

/** Without a single execution no delivered body could be inspected. */
export const MIN_EXECUTIONS_FOR_INTEGRITY = 1;

/**
 * A message is all or nothing: no node may act on a body that differs from what the client sent
 * (`intact: false`: partial or corrupt), nor on an op id no client ever invoked (a forged or mangled id).
 */
export function checkIntegrity(input: CheckInput): Result {
  const invoked = invokedIds(input.history);
  const damagedRuns = input.executions.filter((execution) => !execution.intact);
  const opIndices = opIndicesOf(input.history, damagedRuns.map((execution) => execution.id));
  const counterexamples: Counterexample[] = damagedRuns.map((execution) => ({
    id: execution.id,
    ops: opIndices.get(execution.id)!,
    times: [execution.time],
    what: `${execution.id} was executed by ${execution.by} at ${formatTime(execution.time)} (message ${formatKey(execution)}) on a body that differs from the one sent (partial or corrupt)`,
  }));
  const damaged = damagedRuns.length;
  const strangers = [...executionCounts(input.executions).keys()].filter((id) => !invoked.has(id));
  const unknownIds = strangers.length;
  for (const [id, runs] of executionsOf(input.executions, strangers)) {
    counterexamples.push({
      id,
      ops: [],
      times: runs.map((run) => run.time),
      what: `${id} was executed ${plural(runs.length, 'time')} (first by ${runs[0]!.by} at ${formatTime(runs[0]!.time)}) but no client ever invoked it`,
    });
  }
  const findings = [
    damaged > 0 ? `${plural(damaged, 'execution')} on a damaged body` : '',
    unknownIds > 0 ? `${plural(unknownIds, 'id')} executed that no client invoked` : '',
  ].filter(Boolean);
  return decide(
    'integrity',
    counterexamples,
    {
      enough: input.executions.length >= MIN_EXECUTIONS_FOR_INTEGRITY,
      holds: `all ${plural(input.executions.length, 'execution')} acted on intact bodies of invoked ops`,
      tooShort: 'no execution recorded: no delivered body to inspect',
      violated: findings.join('; '),
    },
    { executions: input.executions.length, damagedExecutions: damaged, unknownIds },
  );
}

export const integrity: Checker = {
  name: 'integrity',
  summary: 'no partial, corrupt or unknown message executed',
  check: checkIntegrity,
};
