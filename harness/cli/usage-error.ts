import { distance } from 'fastest-levenshtein';
// Only the type: main.ts loads this file for every command, `chaoslab node` included, which needs no catalogue.
import type { ScenarioNotFound } from '../catalogue.ts';

/** Bad input from the person at the keyboard: printed as one line, without a stack, and the CLI exits 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/**
 * Names the user probably meant: those containing what was typed (a prefix such as `lost-reply`), else the nearest
 * by edit distance when it is near enough to be a typo rather than another name altogether.
 */
export function closestNames(typed: string, known: readonly string[]): string[] {
  const containing = known.filter((name) => name.includes(typed));
  if (containing.length > 0) return containing.slice(0, 5);
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const name of known) {
    const d = distance(typed, name);
    if (d < bestDistance) [best, bestDistance] = [name, d];
  }
  return best !== undefined && bestDistance <= Math.max(2, Math.floor(typed.length / 3)) ? [best] : [];
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
