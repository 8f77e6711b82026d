import type { Fault } from './fault.ts';

/** SIGKILL a node (no clean shutdown, only what it made durable survives); healing restarts it on the same data. */
export function crash(node: string): Fault {
  return {
    kind: 'crash',
    target: { node },
    start: (lab) => lab.crash(node),
    stop: (lab) => lab.restart(node),
  };
}
