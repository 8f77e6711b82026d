import type { Capability } from '../nemesis/fault.ts';

/** Where explore's trials run: the simulator (the same node code on virtual time) or real node processes. */
export const exploreBackends = ['sim', 'process'] as const;
export type ExploreBackend = (typeof exploreBackends)[number];

/**
 * What each backend's labs offer beyond what every backend offers, as its Backend says (`frameToxics`,
 * `powerLoss`): explore's trials run with chaoslab's own proxy, whose frame toxics both have; only a simulated
 * disk loses power.
 */
export const exploreCapabilities: Record<ExploreBackend, readonly Capability[]> = {
  sim: ['frame-toxics', 'power-loss'],
  process: ['frame-toxics'],
};
