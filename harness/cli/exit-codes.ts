/**
 * What the CLI's exit status means, declared once: the CLI exits with these, `--help` prints this table, and a test
 * checks README's table against it.
 */
export const exitCodes = {
  asExpected: { code: 0, meaning: 'every verdict as expected (skipped scenarios included)' },
  notAsExpected: { code: 1, meaning: 'a verdict not as expected: a guarantee broke that should hold, or held that should break' },
  usage: { code: 2, meaning: 'usage or bad input (unknown scenario or flag, bad value, unreadable run folder: nothing ran; a broken scenario file: the others ran)' },
  internal: {
    code: 3,
    meaning: 'chaoslab could not finish: a scenario run failed (its lab did not start, its workload was abandoned) or chaoslab itself failed; no verdict was wrong',
  },
} as const;

export function exitCodeHelp(): string {
  const rows = Object.values(exitCodes).map(({ code, meaning }) => `  ${code}  ${meaning}`);
  return `\nExit status:\n${rows.join('\n')}`;
}
