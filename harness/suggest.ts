import { distance } from 'fastest-levenshtein';

/** The known name within a few edits of `name` (2, or a third of its length), if any: for "did you mean". */
export function closestName(name: string, known: readonly string[]): string | undefined {
  let best: { name: string; distance: number } | undefined;
  for (const candidate of known) {
    const edits = distance(name.toLowerCase(), candidate.toLowerCase());
    if (edits <= Math.max(2, Math.floor(name.length / 3)) && (!best || edits < best.distance)) best = { name: candidate, distance: edits };
  }
  return best?.name;
}

/**
 * Names the user probably meant: those containing what was typed (a prefix such as `lost-reply`), else the nearest
 * by edit distance when it is near enough to be a typo rather than another name altogether.
 */
export function closestNames(typed: string, known: readonly string[]): string[] {
  const containing = known.filter((name) => name.includes(typed));
  if (containing.length > 0) return containing.slice(0, 5);
  const nearest = closestName(typed, known);
  return nearest === undefined ? [] : [nearest];
}
