// Virtual time for a simulation: one queue of timers ordered by (time, insertion order), run one at a time.
// Between two timers every microtask (promise callbacks, nextTick) runs to the end, so what code does "at the same
// moment" happens in program order, and the whole run depends on nothing but the code and the seed: no real I/O
// is awaited while it runs, and real time never enters it.

export interface Scheduled {
  readonly time: number;
  readonly seq: number;
  run: (() => void) | undefined;
}

export class SimTimeLimit extends Error {}

export class Scheduler {
  private heap: Scheduled[] = [];
  private nextSeq = 0;
  private current = 0;
  private steps = 0;

  /** Virtual milliseconds since the simulation began. */
  get now(): number {
    return this.current;
  }

  /** Timers run so far (a measure of the work a simulation did). */
  get stepsRun(): number {
    return this.steps;
  }

  /** Run `run` `ms` from now (at once after the current work when `ms` is not positive). */
  after(ms: number, run: () => void): Scheduled {
    const delay = Number.isFinite(ms) && ms > 0 ? ms : 0;
    const entry: Scheduled = { time: this.current + delay, seq: this.nextSeq++, run };
    this.push(entry);
    return entry;
  }

  cancel(entry: Scheduled | undefined): void {
    if (entry) entry.run = undefined;
  }

  /**
   * Run timers until `until` settles, and return its value (or throw its error). Throws SimTimeLimit when virtual
   * time would pass `limitMs` first, or when nothing is left to run while `until` still waits (a deadlock).
   */
  async run<T>(until: Promise<T>, limitMs: number): Promise<T> {
    let settled = false;
    until.then(
      () => (settled = true),
      () => (settled = true),
    );
    for (;;) {
      await drainMicrotasks();
      if (settled) return until;
      const next = this.pop();
      if (!next) throw new SimTimeLimit(`the simulation has nothing left to run at ${this.current} ms, and the run still waits`);
      if (next.time > limitMs) throw new SimTimeLimit(`the simulation reached its time limit (${limitMs} ms)`);
      this.current = Math.max(this.current, next.time);
      const run = next.run!;
      next.run = undefined;
      this.steps++;
      run();
    }
  }

  /** The next live timer, removed from the queue. */
  private pop(): Scheduled | undefined {
    while (this.heap.length > 0) {
      const top = this.heap[0]!;
      const last = this.heap.pop()!;
      if (this.heap.length > 0) {
        this.heap[0] = last;
        this.down(0);
      }
      if (top.run) return top;
    }
    return undefined;
  }

  private push(entry: Scheduled): void {
    this.heap.push(entry);
    let i = this.heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(this.heap[i]!, this.heap[parent]!)) break;
      [this.heap[i], this.heap[parent]] = [this.heap[parent]!, this.heap[i]!];
      i = parent;
    }
  }

  private down(i: number): void {
    const { heap } = this;
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let smallest = i;
      if (left < heap.length && before(heap[left]!, heap[smallest]!)) smallest = left;
      if (right < heap.length && before(heap[right]!, heap[smallest]!)) smallest = right;
      if (smallest === i) return;
      [heap[i], heap[smallest]] = [heap[smallest]!, heap[i]!];
      i = smallest;
    }
  }
}

const before = (a: Scheduled, b: Scheduled) => a.time < b.time || (a.time === b.time && a.seq < b.seq);

/** Let every queued microtask (and every one they queue) run: a macrotask comes only after the queue is empty. */
const drainMicrotasks = () => new Promise<void>((resolve) => setImmediate(resolve));
