import type { Fault } from './fault.ts';

/** Freeze a node (SIGSTOP): it holds its connections but answers nothing, as a long GC pause would. */
export function pause(node: string): Fault {
  return {
    kind: 'pause',
    target: { node },
    start: (lab) => lab.pause(node),
    stop: (lab) => lab.resume(node),
  };
}
