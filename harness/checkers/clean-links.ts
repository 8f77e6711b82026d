import { faultWindows } from '../history/faults.ts';
import type { FaultEvent } from '../history/op.ts';
import type { FrameRejection } from '../history/frame-rejections.ts';
import { formatTime } from './evidence.ts';
import { decide, plural, type CheckInput, type Checker, type Counterexample, type Result } from './result.ts';

/**
 * Fault kinds that keep every frame whole: they delay, duplicate or reorder whole frames, or slow a stream down,
 * but never cut one or change its bytes. Every other kind (corruption, partial messages, slicing, resets, cut
 * wires, partitions, lost messages, which a real Toxiproxy emulates by closing connections, crashes and pauses of
 * either end, and any fault a script records) may legitimately make a node reject a frame on the links it touches.
 */
export const FRAME_PRESERVING_FAULTS: ReadonlySet<string> = new Set(['latency', 'throttle', 'duplicate-messages', 'reorder-messages']);

/**
 * How far around its recorded window a damaging fault's effects may show. Before: a window's start is recorded
 * once the proxy confirmed the toxic, which already acts by then (a loaded machine takes a while to confirm).
 * After: a connection cut or a peer killed mid-frame is noticed when the socket closes.
 */
export const FAULT_MARGIN_MS = 2000;

/**
 * Faults that drop bytes from a connection they leave open: the receiver's framing is out of step from then on,
 * and shows it whenever the next bytes come, however long after the fault. They excuse their link to the end.
 */
export const DESYNCING_FAULTS: ReadonlySet<string> = new Set(['stall-connections']);

interface Window {
  start: number;
  stop: number;
  kind: string;
  nodes: Set<string>;
  /** A link fault: the two ends; a node fault (crash, pause) or partition: undefined, every link of `nodes`. */
  link?: [string, string];
}

function windowsOf(faults: readonly FaultEvent[]): Window[] {
  return faultWindows(faults).map((w) => ({
    start: w.start,
    stop: DESYNCING_FAULTS.has(w.fault) ? Infinity : (w.stop ?? Infinity),
    kind: w.fault,
    ...touched(w.target),
  }));
}

function touched(target: Record<string, unknown>): { nodes: Set<string>; link?: [string, string] } {
  if (typeof target.link === 'string') {
    const [from, to] = target.link.split('->').map((end) => end.trim()) as [string, string];
    return { nodes: new Set([from, to]), link: [from, to] };
  }
  const nodes = new Set<string>();
  if (typeof target.node === 'string') nodes.add(target.node);
  if (Array.isArray(target.groups)) for (const group of target.groups) if (Array.isArray(group)) for (const n of group) nodes.add(String(n));
  // A target naming no node we understand could be anywhere: it excuses every link.
  if (nodes.size === 0) nodes.add('*');
  return { nodes };
}

/** Whether a damaging fault may have broken frames between `node` and `peer` around `time`. */
function excused(rejection: FrameRejection, windows: readonly Window[]): boolean {
  return windows.some((w) => {
    if (FRAME_PRESERVING_FAULTS.has(w.kind)) return false;
    if (rejection.time < w.start - FAULT_MARGIN_MS || rejection.time > w.stop + FAULT_MARGIN_MS) return false;
    // A peer known only by its address (it had not said hello yet) may be any node: any damaging fault excuses it.
    if (w.nodes.has('*') || !isNodeName(rejection.peer)) return true;
    if (w.link) return w.nodes.has(rejection.node) && w.nodes.has(rejection.peer);
    return w.nodes.has(rejection.node) || w.nodes.has(rejection.peer);
  });
}

function isNodeName(peer: string): boolean {
  return peer !== '' && !/[:.]/.test(peer);
}

/**
 * The clean-link invariant: on a link with no fault that may cut or damage frames, no node rejects a frame
 * (corrupt, oversize, malformed or partial). The nodes' own drop records are the ground truth, so a proxy that
 * damages bytes it should pass, or a node that mis-frames what it sends or reads, shows here whatever the
 * delivery guarantees say. Connections from the harness itself are not links and are not judged.
 */
export function checkCleanLinks(input: CheckInput): Result {
  const rejections = input.frameRejections;
  if (rejections === undefined) {
    return decide('clean-links', [], { enough: false, holds: '', tooShort: 'frame rejections not read (no node logs, or an offline re-check that cannot place them on the run clock)', violated: '' });
  }
  const windows = windowsOf(input.faults);
  const judged = rejections.filter((rejection) => rejection.peer !== 'harness');
  const unexcused = judged.filter((rejection) => !excused(rejection, windows));
  const counterexamples: Counterexample[] = unexcused.map((rejection) => ({
    id: `${rejection.peer}->${rejection.node}`,
    ops: [],
    times: [rejection.time],
    what: `${rejection.node} rejected a frame from ${rejection.peer || 'an unnamed peer'} at ${formatTime(rejection.time)} (${rejection.reason}${rejection.detail ? `: ${rejection.detail}` : ''}) with no fault on that link or its ends that could explain it`,
  }));
  const completed = input.history.some((op) => op.type !== 'invoke');
  return decide(
    'clean-links',
    counterexamples,
    {
      enough: completed,
      holds: `no frame rejected on a clean link (${plural(judged.length, 'rejection')}, each under a fault that may damage frames)`,
      tooShort: 'no op completed: no traffic crossed the links',
      violated: `${plural(unexcused.length, 'frame')} rejected on a link no fault damaged`,
    },
    { rejections: judged.length, unexcused: unexcused.length },
  );
}

export const cleanLinks: Checker = {
  name: 'clean-links',
  summary: 'no node rejects a frame on a link no fault damaged',
  check: checkCleanLinks,
};
