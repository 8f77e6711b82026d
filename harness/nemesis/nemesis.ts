import type { Lab } from '../lab.ts';
import type { Capability, Fault, FaultWindow, When } from './fault.ts';
import { sleep as sleepOn } from '../../nodes/time.ts';

/** What the nemesis needs to know of the workload's progress. */
export interface WorkloadProgress {
  /** Resolves when the Nth operation (counting from 1) has been invoked. */
  invoked(count: number): Promise<void>;
  /** Resolves when the workload has finished. */
  readonly finished: Promise<void>;
}

/** Where fault windows are recorded (faults.jsonl): `faultStart` returns the id its `faultStop` names. */
export interface FaultLog {
  faultStart(fault: string, target: Record<string, unknown>): string;
  faultStop(recordedId: string): void;
}

/**
 * Plays a fault schedule against a lab while the workload runs: each window starts its fault when its moment
 * comes and stops it when it ends, or when the workload ends. Returns once every started fault is stopped.
 */
export async function playSchedule(lab: Lab, windows: FaultWindow[], progress: WorkloadProgress, log: FaultLog): Promise<number> {
  const { world } = lab;
  const sleep = (ms: number) => sleepOn(world.env.clock, ms);
  const workloadStart = world.monotonic();
  const reached = (when: When) =>
    typeof when === 'number'
      ? sleep(workloadStart + when - world.monotonic())
      : progress.invoked(when.ops).then(() => sleep(when.afterMs ?? 0));
  let started = 0;
  const play = async (window: FaultWindow, id: string) => {
    if ((await Promise.race([reached(window.at).then(() => true), progress.finished.then(() => false)])) === false) return;
    // The window opens when the nemesis begins the fault, not once it is done starting it: a crash takes effect
    // as the kill lands (connections drop, calls fail) while starting it still waits for the process's exit.
    const recordedId = log.faultStart(window.fault.kind, window.fault.target);
    try {
      await window.fault.start(lab, id);
    } catch (error) {
      log.faultStop(recordedId);
      throw error;
    }
    started++;
    const ends = [progress.finished];
    if (window.until !== undefined) ends.push(reached(window.until));
    if (window.duration !== undefined) ends.push(sleep(window.duration));
    await Promise.race(ends);
    await window.fault.stop(lab, id);
    log.faultStop(recordedId);
  };
  await Promise.all(windows.map((window, i) => play(window, `w${i}`)));
  return started;
}

/** What each capability is, and who has it. */
const CAPABILITIES: Record<Capability, { what: string; who: string }> = {
  'frame-toxics': { what: 'frame toxics', who: "which only chaoslab's own proxy has" },
  'power-loss': {
    what: 'power loss',
    who: 'which only the sim backend can cause: a SIGKILL leaves the page cache, and so every write, to the kernel',
  },
};

/** Why a scenario that needs `capability` (for faults of `kinds`, if known) is skipped. */
export function lackingReason(capability: Capability, kinds?: string[]): string {
  const { what, who } = CAPABILITIES[capability];
  return `needs ${what}${kinds ? ` (${kinds.join(', ')})` : ''}, ${who}`;
}

/** Faults a lab cannot run, with the reason, so that a scenario is reported skipped rather than failed. */
export function unsupportedFaults(faults: Fault[], offered: Record<Capability, boolean>): string | undefined {
  for (const capability of Object.keys(CAPABILITIES) as Capability[]) {
    const lacking = faults.filter((fault) => fault.needs === capability && !offered[capability]);
    if (lacking.length > 0) return lackingReason(capability, [...new Set(lacking.map((fault) => fault.kind))]);
  }
  return undefined;
}

