import type { FaultEvent } from './op.ts';
import { HistoryError } from './pairs.ts';

/** A fault from its start to its stop; `stop` is undefined for a fault still active when the run ended. */
export interface FaultWindow {
  id: string;
  fault: string;
  target: FaultEvent['target'];
  start: number;
  stop: number | undefined;
}

export function faultWindows(events: readonly FaultEvent[]): FaultWindow[] {
  const windows = new Map<string, FaultWindow>();
  for (const event of events) {
    const known = windows.get(event.id);
    if (event.type === 'start') {
      if (known) throw new HistoryError(`fault event ${event.index}: fault ${event.id} starts twice`);
      windows.set(event.id, { id: event.id, fault: event.fault, target: event.target, start: event.time, stop: undefined });
    } else {
      if (!known) throw new HistoryError(`fault event ${event.index}: fault ${event.id} stops without a start`);
      if (known.stop !== undefined) throw new HistoryError(`fault event ${event.index}: fault ${event.id} stops twice`);
      known.stop = event.time;
    }
  }
  return [...windows.values()];
}

/** True when every fault that started also stopped: the lab was healed before the ground truth was read. */
export function allFaultsHealed(events: readonly FaultEvent[]): boolean {
  return faultWindows(events).every((window) => window.stop !== undefined);
}

/** Whether a recorded fault kills its node: a crash, or a power loss (a crash whose disk also loses what was not fsynced). */
export function killsNode(fault: string): boolean {
  return fault === 'crash' || fault === 'power-loss';
}
