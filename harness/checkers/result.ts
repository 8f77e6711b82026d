import type { FrameRejection } from '../history/frame-rejections.ts';
import type { Execution, FaultEvent, Op, WireRecord } from '../history/op.ts';

/** `unknown`: the history is too short to tell, or nothing was at risk. Never read it as `holds`. */
export type Verdict = 'holds' | 'violated' | 'unknown';
export const verdicts = ['holds', 'violated', 'unknown'] as const satisfies readonly Verdict[];

/** One thing that went wrong, small enough to read: the op id, its history indices and the times involved. */
export interface Counterexample {
  id: string;
  ops: number[];
  times: number[];
  what: string;
}

export interface Result {
  checker: string;
  verdict: Verdict;
  reason: string;
  counterexamples: Counterexample[];
  stats?: Record<string, number>;
}

/** What a scenario promises beyond the defaults; stored in verdict.json so `check DIR` can re-apply it. */
export interface CheckOptions {
  /**
   * at-least-once: the semantics promise delivery once faults heal, so an op whose outcome is unknown
   * (`info`) must have executed too. Only meaningful when `healed`; a `fail` op is never required.
   */
  eventual?: boolean;
}

export interface CheckInput {
  history: readonly Op[];
  executions: readonly Execution[];
  faults: readonly FaultEvent[];
  /** Every fault was stopped and in-flight work drained before the executions were read. */
  healed: boolean;
  options?: CheckOptions;
  /** The frames nodes rejected while the run was live (their logs' `drop` records); absent when not read. */
  frameRejections?: readonly FrameRejection[];
  /** Every node-to-node frame as the lab's proxy saw it; absent when the run's proxy keeps no record. */
  wire?: readonly WireRecord[];
}

export interface Checker {
  name: string;
  /** One line for `--help`, tables and reports. */
  summary: string;
  check(input: CheckInput): Result;
}

/**
 * The verdict rule every checker shares: a counterexample is conclusive whatever the history's size;
 * without one, the checker only says `holds` when it had enough evidence to have seen a violation.
 */
export function decide(
  checker: string,
  counterexamples: Counterexample[],
  evidence: { enough: boolean; holds: string; tooShort: string; violated: string },
  stats?: Record<string, number>,
): Result {
  const verdict: Verdict = counterexamples.length > 0 ? 'violated' : evidence.enough ? 'holds' : 'unknown';
  const reason = verdict === 'violated' ? evidence.violated : verdict === 'holds' ? evidence.holds : evidence.tooShort;
  return { checker, verdict, reason, counterexamples, ...(stats ? { stats } : {}) };
}

export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
