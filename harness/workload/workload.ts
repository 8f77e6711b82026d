import type { HistoryRecorder } from '../history/recorder.ts';
import type { Lab } from '../lab.ts';
import type { WorkloadProgress } from '../nemesis/nemesis.ts';
import { NodeConnection } from '../lab/node-connection.ts';
import { workloadService } from '../../nodes/programs/client.ts';
import { NotSent } from '../../nodes/errors.ts';
import type { PlannedOp } from './generator.ts';
import { sleep } from '../../nodes/time.ts';

export interface WorkloadOptions {
  concurrency: number;
  /** Operations per second over all processes; as fast as the nodes answer when absent. */
  rate?: number;
  /** Destination of 1-way sends. */
  mailbox: { node: string; mbox: string };
  /** The harness's own cap on one op; the node's semantics decide the outcome well before it. */
  opTimeoutMs: number;
  /** Remote receives: the lease each takes on the mailbox, and how long each waits for a message. */
  receive?: ReceiveOptions;
}

export interface ReceiveOptions {
  leaseMs: number;
  timeoutMs: number;
}

/** Short enough that leases expire many times in a run, long enough that a consumer must wait for them. */
export const DEFAULT_RECEIVE: ReceiveOptions = { leaseMs: 200, timeoutMs: 100 };

interface HeldMessage {
  id?: string;
  key: { from: string; seq: number };
  receiver: string;
  takenAt: number;
  leaseUntil: number;
  /** Which arrival in the owner's mailbox it is, when the owner names them. */
  copy?: string;
}

interface WorkloadAnswer {
  outcome: 'ok' | 'fail' | 'info';
  error?: string;
  /** The message keys the op went out under, as the client node reports them. */
  keys?: { from: string; seq: number }[];
  /** The server's answer kind (`result`, `duplicate-forgotten`, `error:<code>`), absent when none came. */
  answer?: string;
  /** `receive` only: the message it holds under a lease (epoch ms times). */
  got?: HeldMessage;
}

/**
 * Concurrent clients: `concurrency` processes take the planned ops in order and ask their client node to
 * perform each one (service `workload`), recording invoke and completion. The client node applies its
 * semantics and says ok, fail or info; the harness only adds what it sees itself (a client it cannot reach
 * certainly did nothing: fail; a client that stops answering mid-op may have done it: info).
 */
export class Workload implements WorkloadProgress {
  readonly finished: Promise<void>;
  /** Resolves once the last op is invoked: faults stop then, so that in-flight ops can finish after healing. */
  readonly allInvoked: Promise<void>;
  private invokedCount = 0;
  private readonly waiters: { count: number; resolve: () => void }[] = [];
  private resolveAllInvoked!: () => void;
  private startFn!: () => void;

  constructor(
    private readonly lab: Lab,
    private readonly ops: PlannedOp[],
    private readonly recorder: HistoryRecorder,
    private readonly options: WorkloadOptions,
  ) {
    this.allInvoked = new Promise((resolve) => (this.resolveAllInvoked = resolve));
    if (ops.length === 0) this.resolveAllInvoked();
    const started = new Promise<void>((resolve) => (this.startFn = resolve));
    this.finished = started.then(() => this.runProcesses());
  }

  start(): void {
    this.startFn();
  }

  invoked(count: number): Promise<void> {
    if (count <= this.invokedCount) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ count, resolve }));
  }

  get invokedSoFar(): number {
    return this.invokedCount;
  }

  private async runProcesses(): Promise<void> {
    const startedAt = this.lab.world.monotonic();
    let next = 0;
    const processes = Array.from({ length: Math.max(1, this.options.concurrency) }, async (_, process) => {
      const connections = new Map<string, NodeConnection>();
      try {
        while (next < this.ops.length) {
          const i = next++;
          if (this.options.rate) await this.sleepUntil(startedAt + (i * 1000) / this.options.rate);
          const op = this.ops[i]!;
          await this.perform(process, op, connections);
        }
      } finally {
        for (const connection of connections.values()) connection.close();
      }
    });
    await Promise.all(processes);
  }

  private async perform(process: number, op: PlannedOp, connections: Map<string, NodeConnection>): Promise<void> {
    const { mailbox } = this.options;
    const value =
      op.f === 'send'
        ? { id: op.id, mbox: mailbox.mbox, to: mailbox.node }
        : op.f === 'receive'
          ? { id: op.id, mbox: mailbox.mbox, from: mailbox.node }
          : { id: op.id };
    await this.waitUntilRunning(op.client);
    const index = this.recorder.invoke(process, op.f, value, op.client);
    this.countInvoke();
    let connection = connections.get(op.client);
    if (!connection) {
      try {
        connection = await NodeConnection.open(op.client, this.lab.address(op.client), { lab: this.lab.id, env: this.lab.world.env });
        connections.set(op.client, connection);
      } catch (error) {
        this.recorder.complete(index, 'fail', { error: `client node unreachable: ${message(error)}` });
        return;
      }
    }
    const receive = this.options.receive ?? DEFAULT_RECEIVE;
    const client = connection.stub(workloadService, this.options.opTimeoutMs);
    try {
      const answer: WorkloadAnswer =
        op.f === 'send'
          ? await client.send({ id: op.id, body: op.body, digest: op.digest, node: mailbox.node, mbox: mailbox.mbox })
          : op.f === 'receive'
            ? await client.receive({ node: mailbox.node, mbox: mailbox.mbox, leaseMs: receive.leaseMs, timeoutMs: receive.timeoutMs })
            : await client.append({ id: op.id, body: op.body, digest: op.digest });
      const value = {
        ...(answer.got ? this.heldValue(answer.got) : {}),
        ...(answer.keys?.length ? { keys: answer.keys } : {}),
        ...(answer.answer ? { answer: answer.answer } : {}),
      };
      this.recorder.complete(index, answer.outcome, { ...(answer.error ? { error: answer.error } : {}), ...(Object.keys(value).length ? { value } : {}) });
    } catch (error) {
      connections.delete(op.client);
      connection.close();
      // The op never left for the client node (the connection had closed, as a crashed node's does): it certainly
      // did not happen. Otherwise the client node took it and went silent (crash, pause, lost connection): it may
      // have acted.
      this.recorder.complete(index, error instanceof NotSent ? 'fail' : 'info', { error: `client node: ${message(error)}` });
    }
  }

  /** What a receive op's completion records: the message held (its op id and key), by whom, and the lease on the run's clock. */
  private heldValue(got: HeldMessage): Record<string, unknown> {
    return {
      ...(got.id !== undefined ? { got: got.id } : {}),
      key: got.key,
      receiver: got.receiver,
      takenAt: this.recorder.fromEpoch(got.takenAt),
      leaseUntil: this.recorder.fromEpoch(got.leaseUntil),
      ...(got.copy !== undefined ? { copy: got.copy } : {}),
    };
  }

  /** A crashed client node issues nothing; its processes wait for the restart instead of burning ops. */
  private async waitUntilRunning(node: string): Promise<void> {
    const { world } = this.lab;
    const deadline = world.monotonic() + this.options.opTimeoutMs;
    while (this.lab.isDown(node) && world.monotonic() < deadline) await this.sleepUntil(world.monotonic() + 10);
  }

  private sleepUntil(time: number): Promise<void> {
    return sleep(this.lab.world.env.clock, time - this.lab.world.monotonic());
  }

  private countInvoke(): void {
    this.invokedCount++;
    for (let i = this.waiters.length - 1; i >= 0; i--) {
      if (this.waiters[i]!.count <= this.invokedCount) this.waiters.splice(i, 1)[0]!.resolve();
    }
    if (this.invokedCount === this.ops.length) this.resolveAllInvoked();
  }
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
