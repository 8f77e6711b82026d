import type { Fault } from './fault.ts';

/**
 * Cut a node's power: it dies as in a crash, and its disk keeps only what was fsynced (the page cache is lost with
 * the machine). Healing restarts it on what is left. Only a simulated disk can lose power: on processes a SIGKILL
 * leaves the page cache to the kernel, so what was written and not fsynced survives.
 */
export function powerLoss(node: string): Fault {
  return {
    kind: 'power-loss',
    target: { node },
    needs: 'power-loss',
    start: (lab) => lab.crash(node, { powerLoss: true }),
    stop: (lab) => lab.restart(node),
  };
}
