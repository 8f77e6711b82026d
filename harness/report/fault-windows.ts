import { killsNode } from '../history/faults.ts';
import type { FaultEvent } from './run-folder.ts';

export interface FaultWindow {
  id: string;
  fault: string;
  /** Human-readable target: `n1->n2`, `n2`, `{n1,n2} | {n3}` ... */
  target: string;
  start: number;
  /** Stop time; a fault never stopped lasts to the end of the run. */
  end: number;
  healed: boolean;
}

/** A node's state change: the timeline marks these on the node's lane. */
export interface NodeMark {
  node: string;
  time: number;
  kind: 'crash' | 'restart' | 'pause' | 'resume';
}

/** A stretch of time a node was not serving (crashed or paused), drawn on its lane. */
export interface NodeDownWindow {
  node: string;
  start: number;
  end: number;
  kind: 'crashed' | 'paused';
}

const NODE_CONTROL = new Set(['crash', 'power-loss', 'restart', 'pause', 'resume']);
/** A power loss is drawn as a crash: the node is down the same way. */
const markKind = (fault: string): NodeMark['kind'] => (killsNode(fault) ? 'crash' : (fault as NodeMark['kind']));

export function faultWindows(faults: FaultEvent[], runEnd: number): FaultWindow[] {
  const windows = new Map<string, FaultWindow>();
  for (const event of faults) {
    if (event.type === 'start') {
      windows.set(event.id, {
        id: event.id,
        fault: event.fault,
        target: describeTarget(event.target),
        start: event.time,
        end: runEnd,
        healed: false,
      });
    } else {
      const window = windows.get(event.id);
      if (window) Object.assign(window, { end: event.time, healed: true });
    }
  }
  return [...windows.values()].sort((a, b) => a.start - b.start);
}

/** Windows that affect links (shaded across all lanes); node control is drawn on its node's lane instead. */
export function isLinkFault(window: FaultWindow): boolean {
  return !NODE_CONTROL.has(window.fault);
}

/**
 * Crashes, restarts, pauses and resumes per node. A `crash` fault's own stop counts as its restart only when the
 * run has no separate `restart` fault for that node (the harness may record node control either way).
 */
export function nodeControl(faults: FaultEvent[], runEnd: number): { marks: NodeMark[]; down: NodeDownWindow[] } {
  const marks: NodeMark[] = [];
  const starts = faults.filter((f) => f.type === 'start' && NODE_CONTROL.has(f.fault) && nodeOf(f) !== undefined);
  const hasSeparate = (node: string, kind: string) => starts.some((f) => f.fault === kind && nodeOf(f) === node);
  for (const f of starts) marks.push({ node: nodeOf(f)!, time: f.time, kind: markKind(f.fault) });
  for (const f of faults) {
    const node = nodeOf(f);
    if (f.type !== 'stop' || node === undefined) continue;
    const startedAt = starts.find((s) => s.id === f.id)?.time ?? f.time;
    if (f.time <= startedAt) continue;
    if (markKind(f.fault) === 'crash' && !hasSeparate(node, 'restart')) marks.push({ node, time: f.time, kind: 'restart' });
    if (f.fault === 'pause' && !hasSeparate(node, 'resume')) marks.push({ node, time: f.time, kind: 'resume' });
  }
  marks.sort((a, b) => a.time - b.time);
  return { marks, down: downWindows(marks, runEnd) };
}

function downWindows(marks: NodeMark[], runEnd: number): NodeDownWindow[] {
  const down: NodeDownWindow[] = [];
  const open = new Map<string, NodeDownWindow>();
  for (const mark of marks) {
    if (mark.kind === 'crash' || mark.kind === 'pause') {
      if (open.has(mark.node)) continue;
      const window: NodeDownWindow = { node: mark.node, start: mark.time, end: runEnd, kind: mark.kind === 'crash' ? 'crashed' : 'paused' };
      open.set(mark.node, window);
      down.push(window);
    } else {
      const window = open.get(mark.node);
      if (window) window.end = mark.time;
      open.delete(mark.node);
    }
  }
  return down;
}

function nodeOf(event: FaultEvent): string | undefined {
  const node = event.target.node;
  return typeof node === 'string' ? node : undefined;
}

export function describeTarget(target: Record<string, unknown>): string {
  const parts: string[] = [];
  for (const [key, value] of Object.entries(target)) {
    if (key === 'link' || key === 'node') parts.unshift(String(value));
    else if (key === 'groups' && Array.isArray(value)) {
      parts.unshift(value.map((g) => `{${Array.isArray(g) ? g.join(',') : String(g)}}`).join(' | '));
    } else parts.push(`${key}=${typeof value === 'object' ? JSON.stringify(value) : String(value)}`);
  }
  return parts.join(' ');
}
