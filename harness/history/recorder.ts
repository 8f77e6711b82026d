import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { JsonlWriter } from './jsonl.ts';
import type { Completion, FaultEvent, FaultTarget, Op, OpValue, Process } from './op.ts';
import { runFiles } from './run-folder.ts';

export interface RecorderOptions {
  /** Run folder to stream history.jsonl and faults.jsonl into; in memory only when absent. */
  dir?: string;
  /** Milliseconds on a monotonic clock; `performance.now` unless a test wants a fixed clock. */
  clock?: () => number;
  /** Wall-clock epoch ms now (Date.now unless the run lives on another clock, as a simulation does). */
  epochNow?: () => number;
}

export interface CompletionDetails {
  /** Fields merged into the invoke's value (e.g. what a read returned); the id cannot change. */
  value?: Record<string, unknown>;
  error?: string;
}

/**
 * Records what the workload and the nemesis did, as it happens: append-only in memory, and streamed line by
 * line to the run folder so that a run that dies still leaves its history. Times are ms since the recorder
 * was created (the run's start) on a monotonic clock, so wall-clock steps never reorder events.
 */
export class HistoryRecorder {
  readonly ops: Op[] = [];
  readonly faults: FaultEvent[] = [];
  /** Wall-clock epoch ms of time 0, to place node-reported wall-clock times on the run's time line. */
  readonly startedAtEpochMs: number;
  private readonly clock: () => number;
  private readonly zero: number;
  private readonly openInvokes = new Set<number>();
  private readonly activeFaults = new Map<string, FaultEvent>();
  private readonly historyWriter: JsonlWriter<Op> | undefined;
  private readonly faultWriter: JsonlWriter<FaultEvent> | undefined;
  private nextFaultNumber = 0;
  private closed = false;

  constructor(options: RecorderOptions = {}) {
    this.clock = options.clock ?? (() => performance.now());
    this.zero = this.clock();
    this.startedAtEpochMs = (options.epochNow ?? Date.now)();
    if (options.dir !== undefined) {
      mkdirSync(options.dir, { recursive: true });
      this.historyWriter = new JsonlWriter(join(options.dir, runFiles.history));
      this.faultWriter = new JsonlWriter(join(options.dir, runFiles.faults));
    }
  }

  /** Milliseconds since the run started. */
  now(): number {
    return this.clock() - this.zero;
  }

  /**
   * A time read as `performance.timeOrigin + performance.now()` in this process (the proxy's wire log) on the
   * run's time line: the same clock as the history, with none of the milliseconds by which the wall clock and the
   * monotonic clock drift apart.
   */
  fromHighResolutionEpoch(ms: number): number {
    return ms - performance.timeOrigin - this.zero;
  }

  /** A wall-clock epoch time (as a node logs it) on the run's time line. */
  fromEpoch(epochMs: number): number {
    return epochMs - this.startedAtEpochMs;
  }

  /** Records that `process` starts op `value.id` against `node`; returns the invoke's index. */
  invoke(process: Process, f: string, value: OpValue, node: string): number {
    const op = this.appendOp({ process, type: 'invoke', f, value, node });
    this.openInvokes.add(op.index);
    return op.index;
  }

  /** Records the completion of the op invoked at `invokeIndex`; returns the completion's index. */
  complete(invokeIndex: number, type: Completion, details: CompletionDetails = {}): number {
    if (!this.openInvokes.has(invokeIndex)) {
      throw new Error(`complete(${invokeIndex}): no open invoke at that index (never invoked, or already completed)`);
    }
    this.openInvokes.delete(invokeIndex);
    const invoke = this.ops[invokeIndex]!;
    const value = details.value ? { ...invoke.value, ...details.value, id: invoke.value.id } : invoke.value;
    const op = this.appendOp({ process: invoke.process, type, f: invoke.f, value, node: invoke.node, error: details.error });
    return op.index;
  }

  /** Invoke indices still waiting for a completion (they read as `info` if the run ends now). */
  pending(): number[] {
    return [...this.openInvokes];
  }

  /** Records the start of a fault; returns its id for `stopFault`. */
  startFault(fault: string, target: FaultTarget): string {
    const id = `f${this.nextFaultNumber++}`;
    const event = this.appendFault({ id, type: 'start', fault, target });
    this.activeFaults.set(id, event);
    return id;
  }

  stopFault(id: string): void {
    const started = this.activeFaults.get(id);
    if (!started) throw new Error(`stopFault(${id}): no active fault with that id`);
    this.activeFaults.delete(id);
    this.appendFault({ id, type: 'stop', fault: started.fault, target: started.target });
  }

  /** Ids of faults started and not yet stopped. */
  activeFaultIds(): string[] {
    return [...this.activeFaults.keys()];
  }

  /** Flushes and closes the files; recording after close is a programming error. */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([this.historyWriter?.close(), this.faultWriter?.close()]);
  }

  private appendOp(fields: Omit<Op, 'index' | 'time'>): Op {
    this.assertOpen();
    const { process, type, f, value, node, error } = fields;
    const op: Op = { index: this.ops.length, process, type, f, value, node, time: this.now() };
    if (error !== undefined) op.error = error;
    this.ops.push(op);
    this.historyWriter?.write(op);
    return op;
  }

  private appendFault(fields: Omit<FaultEvent, 'index' | 'time'>): FaultEvent {
    this.assertOpen();
    const event: FaultEvent = { index: this.faults.length, ...fields, time: this.now() };
    this.faults.push(event);
    this.faultWriter?.write(event);
    return event;
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('HistoryRecorder is closed');
  }
}
