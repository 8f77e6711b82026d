import { nodeFault } from './fault.ts';

/** SIGKILL a node (no clean shutdown, only what it made durable survives); healing restarts it on the same data. */
export const crash = nodeFault({ kind: 'crash', start: (lab, node) => lab.crash(node), heal: (lab, node) => lab.restart(node) });
