// Tests wait for a state, never for a fixed time: a sleep that is long enough on one machine is too short on a
// busy one, and an assertion after it can pass because nothing had happened yet.

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export interface WaitOptions {
  /** Give up after this long (default 10 s). */
  timeoutMs?: number;
  /** How often the predicate is asked (default 10 ms). */
  everyMs?: number;
  /** What was awaited, for the error. */
  what?: string | (() => string);
}

/** Resolves once `predicate` holds (it may be async); rejects after `timeoutMs` saying what was awaited. */
export async function waitFor(predicate: () => boolean | Promise<boolean>, options: WaitOptions = {}): Promise<void> {
  const { timeoutMs = 10_000, everyMs = 10 } = options;
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) {
      const what = typeof options.what === 'function' ? options.what() : (options.what ?? 'a condition');
      throw new Error(`waited ${timeoutMs} ms for ${what}`);
    }
    await sleep(everyMs);
  }
}
