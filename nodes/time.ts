// Waiting, in one home for the node runtime (and for anyone who imports it from here), on the node's clock.
import type { Clock, Timer } from './env/index.ts';

/** Resolves after `ms` (at once when it is not positive). */
export const sleep = (clock: Clock, ms: number): Promise<void> => new Promise<void>((resolve) => clock.setTimeout(resolve, Math.max(0, ms)));

/** `promise`, or `error()` after `ms`; the timer goes as soon as the promise settles. */
export function withTimeout<T>(clock: Clock, promise: Promise<T>, ms: number, error: () => Error): Promise<T> {
  let timer: Timer | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = clock.setTimeout(() => reject(error()), Math.max(0, ms));
    }),
  ]).finally(() => clock.clearTimeout(timer));
}
