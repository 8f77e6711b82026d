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

/**
 * Why a setting cannot be explored, if it cannot: a user's node is an executable, which only real processes run,
 * and a bug variant belongs to chaoslab's own node.
 */
export function settingProblem({ command, bug, backend }: { command?: readonly string[]; bug?: string; backend?: ExploreBackend }): string | undefined {
  if (command === undefined) return undefined;
  if (command.length === 0) return 'the node command is empty';
  if (bug !== undefined) return "a node command and a bug variant: a bug variant is one of chaoslab's own nodes; give one of them";
  if (backend === 'sim') return 'a node command runs your executable as a real process: explore it on backend process (the default with it)';
  return undefined;
}
