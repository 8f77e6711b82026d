import picocolors from 'picocolors';

/** picocolors' palette: its functions return the text unchanged when colour is off. */
export type Colors = ReturnType<typeof picocolors.createColors>;

/** What a terminal stream can show: colour, symbols and a width; a pipe or a file gets plain words. */
export interface Style {
  colour: Colors;
  /** A terminal, not a pipe or a file: symbols (✓ ✗) and a width to fit. */
  terminal: boolean;
  /** Characters per line on a terminal; undefined when piped. */
  columns: number | undefined;
  pass: string;
  fail: string;
}

interface Stream {
  isTTY?: boolean;
  columns?: number;
}

/**
 * Colour follows the usual conventions: FORCE_COLOR set asks for it (except '0' or 'false', which refuse it), as in
 * Node itself, where it takes precedence; otherwise a non-empty NO_COLOR refuses it; otherwise a terminal other than
 * TERM=dumb gets colour and a pipe does not. picocolors' own default would also colour a pipe whenever CI is set.
 */
export function wantsColour(stream: Stream, env: NodeJS.ProcessEnv = process.env): boolean {
  const force = env.FORCE_COLOR;
  if (force !== undefined) return force !== '0' && force !== 'false';
  if (env.NO_COLOR) return false;
  return stream.isTTY === true && env.TERM !== 'dumb';
}

export function styleFor(stream: Stream, env: NodeJS.ProcessEnv = process.env): Style {
  const colour = picocolors.createColors(wantsColour(stream, env));
  const terminal = stream.isTTY === true && env.TERM !== 'dumb';
  return {
    colour,
    terminal,
    columns: terminal && stream.columns ? stream.columns : undefined,
    pass: terminal ? colour.green('✓') : 'yes',
    fail: terminal ? colour.red('✗') : 'NO',
  };
}
