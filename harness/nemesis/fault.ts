import type { Lab } from '../lab.ts';

/**
 * A fault the nemesis can start and later stop (heal). Faults are data: `kind` and `target` are what
 * faults.jsonl records; `start`/`stop` act only through the Toxiproxy API and node control.
 */
export interface Fault {
  readonly kind: string;
  readonly target: Record<string, unknown>;
  /** What the lab must offer: frame toxics exist only on chaoslab's own proxy, power loss only on a simulated disk. */
  readonly needs?: Capability;
  /** `id` is unique in the run (w0, w1 ...): toxics are named after it so that faults never collide. */
  start(lab: Lab, id: string): Promise<void>;
  stop(lab: Lab, id: string): Promise<void>;
}

/** What a fault may need of a lab beyond what every backend offers. */
export type Capability = 'frame-toxics' | 'power-loss';

/**
 * A moment of the workload: ms since it started, or the moment its Nth operation is invoked (plus `afterMs`:
 * faults stall the workload, so "100 ms into a lost-reply window" cannot be an op count).
 */
export type When = number | { ops: number; afterMs?: number };

/**
 * One fault window. It ends at `until`, or `duration` ms after it started, or when the workload ends,
 * whichever comes first; every fault is healed before the ground truth is read.
 */
export interface FaultWindow {
  fault: Fault;
  at: When;
  until?: When;
  duration?: number;
}

/** A fault on one node through node control, declared once: `start` does it to the node, `heal` undoes it. */
export function nodeFault(definition: {
  kind: string;
  start: (lab: Lab, node: string) => Promise<unknown>;
  heal: (lab: Lab, node: string) => Promise<unknown>;
}): (node: string) => Fault {
  return (node) => ({
    kind: definition.kind,
    target: { node },
    start: async (lab) => void (await definition.start(lab, node)),
    stop: async (lab) => void (await definition.heal(lab, node)),
  });
}
