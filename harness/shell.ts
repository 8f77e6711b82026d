import { $ } from 'zx/core';
import type { Lab } from './lab.ts';

/** What a command run by the script's `$` gives: zx's ProcessOutput, of which these are the parts most steps need. */
export interface CommandOutput {
  readonly stdout: string;
  readonly stderr: string;
  readonly exitCode: number | null;
}

/** A running command (zx's ProcessPromise); awaiting it throws if the command exits non-zero, unless `nothrow()`. */
export interface ShellCommand extends Promise<CommandOutput> {
  nothrow(): ShellCommand;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

/**
 * zx's `$`, typed here by the part a scenario uses so that chaoslab's declarations stand alone (zx's own need
 * type packages a project may not have). Arguments are quoted for the shell, as zx does.
 */
export type Shell = (pieces: TemplateStringsArray, ...args: unknown[]) => ShellCommand;

/**
 * zx's `$` for a scenario's custom steps, aimed at the lab: a program of the user's (a client of their own, a
 * load generator) finds every node through its environment. Output is captured, not printed (stdout belongs to
 * `chaoslab run --json`), a failing command throws, and `stop` kills whatever is still running.
 */
export function labShell(lab: Lab, stop: AbortSignal): Shell {
  return $({ env: { ...process.env, ...labEnvironment(lab) }, quiet: true, verbose: false, signal: stop }) as unknown as Shell;
}

/**
 * `CHAOSLAB_<NODE>=host:port` per node (reached directly, as the harness does), `CHAOSLAB_NODES=n1,n2,...`, and
 * `CHAOSLAB_LAB`, the lab id a client may say in its hello so that no other lab's node serves it.
 */
export function labEnvironment(lab: Lab): Record<string, string> {
  const env: Record<string, string> = { CHAOSLAB_NODES: lab.nodeNames.join(','), CHAOSLAB_LAB: lab.id };
  for (const name of lab.nodeNames) {
    const { host, port } = lab.address(name);
    env[`CHAOSLAB_${name.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`] = `${host}:${port}`;
  }
  return env;
}
