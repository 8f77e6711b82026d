import { nodeFault } from './fault.ts';

/** Freeze a node (SIGSTOP): it holds its connections but answers nothing, as a long GC pause would. */
export const pause = nodeFault({ kind: 'pause', start: (lab, node) => lab.pause(node), heal: (lab, node) => lab.resume(node) });
