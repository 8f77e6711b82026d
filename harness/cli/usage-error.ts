import { closestNames } from '../suggest.ts';
// Only the type: main.ts loads this file for every command, `chaoslab node` included, which needs no catalogue.
import type { ScenarioNotFound } from '../catalogue.ts';

/** Bad input from the person at the keyboard: printed as one line, without a stack, and the CLI exits 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** A scenario that cannot be found is the user's typo: one line, the nearest names, exit 2. */
export function rethrowAsUsage(error: unknown): never {
  if (!(error instanceof Error) || error.name !== 'ScenarioNotFound') throw error;
  const notFound = error as ScenarioNotFound;
  if (notFound.pattern === undefined) throw new UsageError(notFound.message);
  const near = closestNames(notFound.pattern, notFound.known);
  const hint = near.length === 0 ? '' : near.length === 1 ? `; did you mean ${near[0]}?` : `; did you mean one of ${near.join(', ')}?`;
  throw new UsageError(`no scenario "${notFound.pattern}"${hint} (\`chaoslab list\` shows them all)`);
}
