import { $, type Shell } from 'zx/core';
import type { Lab } from './lab.ts';

export type { Shell };

/**
 * zx's `$` for a scenario's custom steps, aimed at the lab: a program of the user's (a client of their own, a
 * load generator) finds every node through its environment. Output is captured, not printed (stdout belongs to
 * `chaoslab run --json`), a failing command throws, and `stop` kills whatever is still running.
 */
export function labShell(lab: Lab, stop: AbortSignal): Shell {
  return $({ env: { ...process.env, ...labEnvironment(lab) }, quiet: true, verbose: false, signal: stop });
}

/** `CHAOSLAB_<NODE>=host:port` per node (reached directly, as the harness does), and `CHAOSLAB_NODES=n1,n2,...`. */
export function labEnvironment(lab: Lab): Record<string, string> {
  const env: Record<string, string> = { CHAOSLAB_NODES: lab.nodeNames.join(',') };
  for (const name of lab.nodeNames) {
    const { host, port } = lab.address(name);
    env[`CHAOSLAB_${name.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`] = `${host}:${port}`;
  }
  return env;
}
