// Waiting, in one home for the node runtime (and for anyone who imports it from here).

/** Resolves after `ms` (at once when it is not positive). */
export const sleep = (ms: number): Promise<void> => new Promise<void>((resolve) => setTimeout(resolve, Math.max(0, ms)));

/** `promise`, or `error()` after `ms`; the timer goes as soon as the promise settles. */
export function withTimeout<T>(promise: Promise<T>, ms: number, error: () => Error): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(error()), Math.max(0, ms));
    }),
  ]).finally(() => clearTimeout(timer));
}
