// One JSON line per event on stdout: {"ts": <epoch ms>, "node": "<id>", "event": "...", ...fields}.
// Lines are batched and written once per event-loop turn, because per-message events sit on the hot path;
// flushLog() writes what is pending synchronously (on stop), so nothing is lost on a clean exit.
// Events and their fields are the registered ones (nodes/log-events.ts): anything else does not type-check.

import type { Clock } from './env/index.ts';
import { realEnv } from './env/real.ts';
import type { LogEvent, LogFields } from './log-events.ts';

let nodeId = '-';
let pending: string[] = [];
let scheduled = false;
let sink: (text: string) => void = (text) => process.stdout.write(text);

export function setLogNode(id: string): void {
  nodeId = id;
}

/** Redirect log lines (tests, embedding several nodes in one process). */
export function setLogSink(write: (text: string) => void): void {
  sink = write;
}

export function log<E extends LogEvent>(event: E, fields: LogFields<E>): void {
  logAs(nodeId, event, fields);
}

/** Log for a given node id (several nodes embedded in one process, e.g. in tests), stamped by its clock. */
export function logAs<E extends LogEvent>(
  node: string,
  event: E,
  fields: LogFields<E>,
  clock: Clock = realEnv.clock,
  output?: (text: string) => void,
): void {
  const head = `{"ts":${clock.now()},"node":${JSON.stringify(node)},"event":${JSON.stringify(event)}`;
  const rest = JSON.stringify(fields);
  const line = rest.length > 2 ? `${head},${rest.slice(1)}\n` : `${head}}\n`;
  if (output) return output(line);
  pending.push(line);
  if (!scheduled) {
    scheduled = true;
    clock.defer(flushLog);
  }
}

export function flushLog(): void {
  scheduled = false;
  if (pending.length === 0) return;
  const text = pending.join('');
  pending = [];
  sink(text);
}
