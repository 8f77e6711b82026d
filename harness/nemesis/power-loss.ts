import type { Fault } from './fault.ts';

/**
 * Cut a node's power: it dies as in a crash, and its disk keeps only what was fsynced (the page cache is lost with
 * the machine); with `tornWrites`, each file keeps a seeded part of its unsynced tail, as a write cut short
 * does. Healing restarts it on what is left. Only a simulated disk can lose power: on processes a SIGKILL
 * leaves the page cache to the kernel, so what was written and not fsynced survives.
 */
export function powerLoss(node: string, { tornWrites = false }: { tornWrites?: boolean } = {}): Fault {
  return {
    kind: 'power-loss',
    target: { node, ...(tornWrites ? { tornWrites } : {}) },
    needs: 'power-loss',
    start: (lab) => lab.crash(node, { powerLoss: true, tornWrites }),
    stop: (lab) => lab.restart(node),
  };
}
