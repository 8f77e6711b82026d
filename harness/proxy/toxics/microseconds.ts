import type { Clock } from '../../../nodes/env/index.ts';
import { realEnv } from '../../../nodes/env/real.ts';

/**
 * Calls `then` once `microseconds` have passed, never sooner, and never synchronously. Node's timers count whole
 * milliseconds (a 10 us wait would take a millisecond or more), so the last millisecond is waited out on
 * setImmediate turns of the event loop, which let I/O through between checks. Returns a cancel function.
 */
export function waitMicroseconds(clock: Clock, microseconds: number, then: () => void): () => void {
  // Virtual time has no millisecond grain: one timer waits exactly.
  if (clock !== realEnv.clock) {
    const timer = clock.setTimeout(then, microseconds / 1000);
    return () => clock.clearTimeout(timer);
  }
  const due = performance.now() + microseconds / 1000;
  let timer: NodeJS.Timeout | undefined;
  let immediate: NodeJS.Immediate | undefined;
  const check = (): void => {
    timer = undefined;
    immediate = undefined;
    const left = due - performance.now();
    if (left <= 0) then();
    else if (left >= 1) timer = setTimeout(check, Math.floor(left));
    else immediate = setImmediate(check);
  };
  immediate = setImmediate(check);
  return () => {
    clearTimeout(timer);
    if (immediate) clearImmediate(immediate);
    timer = undefined;
    immediate = undefined;
  };
}
