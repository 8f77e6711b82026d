import type { Execution } from '../history/op.ts';
import { executionCounts, executionsOf, formatKey, formatTime, opIndicesOf } from './evidence.ts';
import { decide, plural, type CheckInput, type Checker, type Counterexample, type Result } from './result.ts';

/** Without a single execution nothing could have run twice. */
export const MIN_EXECUTIONS_FOR_AT_MOST_ONCE = 1;

// Same key: the receiver ran a retransmission of one message again (it forgot, or never kept, what it had
// done). Different keys: the sender gave up on a message and sent the op again under a new message id.
function describeDuplicate(id: string, runs: Execution[]): string {
  const keys = new Set(runs.map(formatKey));
  const where = runs.map((run) => `${run.by} at ${formatTime(run.time)}`).join(', ');
  const cause =
    keys.size === 1
      ? `all under message ${[...keys][0]}: a retransmission of the same message was executed again`
      : `under ${keys.size} message ids (${[...keys].join(', ')}): the op was re-sent as a new message` +
        (keys.size < runs.length ? ' and a retransmission was executed again' : '');
  return `${id} executed ${runs.length} times (${where}), ${cause}`;
}

export function checkAtMostOnce(input: CheckInput): Result {
  const counts = executionCounts(input.executions);
  const duplicated: string[] = [];
  for (const [id, count] of counts) if (count > 1) duplicated.push(id);
  const runsById = executionsOf(input.executions, duplicated);
  const opIndices = opIndicesOf(input.history, duplicated);
  const counterexamples: Counterexample[] = [];
  let extraExecutions = 0;
  let retransmitted = 0;
  let resent = 0;
  for (const [id, runs] of runsById) {
    extraExecutions += runs.length - 1;
    const keys = new Set(runs.map(formatKey));
    if (keys.size < runs.length) retransmitted += 1;
    if (keys.size > 1) resent += 1;
    counterexamples.push({
      id,
      ops: opIndices.get(id)!,
      times: runs.map((run) => run.time),
      what: describeDuplicate(id, runs),
    });
  }
  return decide(
    'at-most-once',
    counterexamples,
    {
      enough: input.executions.length >= MIN_EXECUTIONS_FOR_AT_MOST_ONCE,
      holds: `${plural(counts.size, 'id')} executed, none more than once`,
      tooShort: 'no execution recorded: nothing could have run twice',
      violated: `${plural(counterexamples.length, 'id')} executed more than once (${plural(extraExecutions, 'extra execution')})`,
    },
    {
      executions: input.executions.length,
      idsExecuted: counts.size,
      duplicatedIds: counterexamples.length,
      extraExecutions,
      duplicatedBySameMessage: retransmitted,
      duplicatedByNewMessage: resent,
    },
  );
}

export const atMostOnce: Checker = {
  name: 'at-most-once',
  summary: 'no op id executed twice',
  check: checkAtMostOnce,
};
