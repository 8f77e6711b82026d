import { NotSent, RemoteError } from '../errors.ts';
import type { Behaviour } from '../semantics/settings.ts';
import { isDefinite } from '../error-codes.ts';

/** A history's outcomes: `ok` (it happened), `fail` (it certainly did not), `info` (it may have). */
export const OUTCOMES = ['ok', 'fail', 'info'] as const;
export type Outcome = (typeof OUTCOMES)[number];

/**
 * What a failed call or send means for a history: `fail` only when it certainly did not take effect (it never
 * left, or was refused before running); anything that may have run is `info`. The `give-up-as-fail` bug reports
 * the unknown as failed, which is the classic way to lie in a history.
 */
export function outcomeOf(error: unknown, behaviour: Behaviour): Exclude<Outcome, 'ok'> {
  if (behaviour.unknownReportedAsFail) return 'fail';
  if (error instanceof NotSent) return 'fail';
  if (error instanceof RemoteError && isDefinite(error.code)) return 'fail';
  return 'info';
}

/** The history's completion of a call that threw: its outcome, and the error with its code so a reader can tell why. */
export function failedOutcome(error: unknown, behaviour: Behaviour): { outcome: Exclude<Outcome, 'ok'>; error: string } {
  const message = error instanceof Error ? error.message : String(error);
  return {
    outcome: outcomeOf(error, behaviour),
    error: error instanceof RemoteError && !message.startsWith(error.code) ? `${error.code}: ${message}` : message,
  };
}
