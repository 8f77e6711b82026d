import { performance } from 'node:perf_hooks';
import type { Env } from '../nodes/env/index.ts';
import { realEnv } from '../nodes/env/real.ts';

/**
 * The world the harness side of a run lives in: the env its connections to nodes go through and whose clock paces
 * the workload, the nemesis and the drain, and how work is run to its end. Real for the process and docker
 * backends; on sim, the simulation's own, where time only moves while `simulate` runs the world.
 */
export interface HarnessWorld {
  readonly env: Env;
  /** Milliseconds on a monotonic clock (the history's time line). */
  monotonic(): number;
  /** `work`, run to its end: awaited as it is in the real world; a simulation runs virtual time until it settles. */
  simulate<T>(work: Promise<T>): Promise<T>;
}

export const realWorld: HarnessWorld = {
  env: realEnv,
  monotonic: () => performance.now(),
  simulate: (work) => work,
};
