// Tests wait for a state, never for a fixed time: a sleep that is long enough on one machine is too short on a
// busy one, and an assertion after it can pass because nothing had happened yet.

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export interface WaitOptions {
  /** Give up after this long (default 10 s). */
  timeoutMs?: number;
  /** How often the predicate is asked (default 10 ms). */
  everyMs?: number;
}

/**
 * Resolves true once `predicate` holds (it may be async), false once `timeoutMs` passed without it. It never
 * throws: the test asserts the state after the wait, so that a failure says what was expected.
 */
export async function waitFor(predicate: () => boolean | Promise<boolean>, options: WaitOptions = {}): Promise<boolean> {
  const { timeoutMs = 10_000, everyMs = 10 } = options;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await predicate()) return true;
    if (Date.now() > deadline) return false;
    await sleep(everyMs);
  }
}
