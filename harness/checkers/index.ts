import { atLeastOnce } from './at-least-once.ts';
import { atMostOnce } from './at-most-once.ts';
import { availability } from './availability.ts';
import { cleanLinks } from './clean-links.ts';
import { exactlyOnce } from './exactly-once.ts';
import { exclusiveReceive } from './exclusive-receive.ts';
import { integrity } from './integrity.ts';
import type { CheckInput, Checker, Result } from './result.ts';

export type { CheckInput, CheckOptions, Checker, Counterexample, Result, Verdict } from './result.ts';
export { verdicts } from './result.ts';
export { formatAvailability, formatCounterexamples, formatVerdictTable } from './table.ts';

export const checkerNames = [
  'at-most-once',
  'at-least-once',
  'exactly-once',
  'integrity',
  'exclusive-receive',
  'clean-links',
  'availability',
] as const;
export type CheckerName = (typeof checkerNames)[number];

/** Every checker by the guarantee name a scenario expects a verdict for. */
export const checkers: Record<CheckerName, Checker> = {
  'at-most-once': atMostOnce,
  'at-least-once': atLeastOnce,
  'exactly-once': exactlyOnce,
  integrity,
  'exclusive-receive': exclusiveReceive,
  'clean-links': cleanLinks,
  availability,
};

export function isCheckerName(name: string): name is CheckerName {
  return (checkerNames as readonly string[]).includes(name);
}

/** Runs the checkers of the named guarantees, in the order given; an unknown name is an error, not a skip. */
export function checkRun(input: CheckInput, guarantees: readonly string[]): Result[] {
  const unknown = guarantees.filter((name) => !isCheckerName(name));
  if (unknown.length > 0) {
    throw new Error(`unknown guarantee ${unknown.map((name) => `'${name}'`).join(', ')}; known: ${checkerNames.join(', ')}`);
  }
  return guarantees.map((name) => checkers[name as CheckerName].check(input));
}
