import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Proxy } from 'toxiproxy-node-client';
import { ProcessBackend } from '../../harness/backends/process.ts';
import { Lab } from '../../harness/lab.ts';
import { NodeClient } from '../../nodes/client.ts';
import { workloadService } from '../../nodes/programs/client.ts';
import { logService } from '../../nodes/programs/log.ts';
import { callerFromClient } from '../../nodes/rpc/caller.ts';
import type { ClientStub } from '../../nodes/rpc/service.ts';
import { clientStub } from '../../nodes/rpc/stub.ts';
import { bodyDigest } from '../../nodes/semantics/integrity.ts';
import { NodeLog } from '../helpers/node-log.ts';
import { waitFor } from '../helpers/wait.ts';
import { addToxic } from '../proxy/fixtures.ts';

// A two-node lab for delivery-semantics tests, on the harness's own Lab and process backend: client node `a`
// (program client) calls the log on node `b` through the proxy of link a->b, so tests can lose messages
// (upstream) or replies (downstream), and SIGKILL either node and restart it on the same data dir.

export interface LogLabOptions {
  semantics: string;
  bug?: string;
  /** Extra config for both nodes (retransmit ...). */
  config?: Record<string, unknown>;
  /** Extra options for node b (appendDelayMs ...). */
  serverOptions?: Record<string, unknown>;
  /** Extra options for node a (deadlineMs of its inner calls, default 60 s here). */
  clientOptions?: Record<string, unknown>;
  /** Extra programs on node b (consumer ...). */
  serverPrograms?: string[];
}

export class LogLab {
  log!: ClientStub<typeof logService>;
  readonly a: NodeLog;
  readonly b: NodeLog;
  private toA: NodeClient | undefined;
  private toB: NodeClient | undefined;
  private toxics = 0;

  private constructor(
    readonly lab: Lab,
    readonly root: string,
  ) {
    this.a = new NodeLog(lab.logFile('a'), () => lab.address('a'));
    this.b = new NodeLog(lab.logFile('b'), () => lab.address('b'));
  }

  static async start(options: LogLabOptions): Promise<LogLab> {
    const root = mkdtempSync(join(tmpdir(), 'chaoslab-semantics-'));
    const shared = { semantics: options.semantics, ...(options.bug ? { bug: options.bug } : {}), ...options.config };
    let lab: Lab | undefined;
    try {
      lab = await Lab.start(new ProcessBackend({ proxySeed: 7 }), {
        runDir: root,
        nodes: [
          { name: 'a', programs: ['client'], config: { ...shared, options: { target: 'b', deadlineMs: 60_000, ...options.clientOptions } } },
          { name: 'b', programs: ['log', ...(options.serverPrograms ?? [])], config: { ...shared, options: { ...options.serverOptions } } },
        ],
      });
      const started = new LogLab(lab, root);
      await Promise.all([started.a.waitFor('ready', 90_000), started.b.waitFor('ready', 90_000)]);
      await Promise.all([started.connectToA(), started.connectToB()]);
      return started;
    } catch (error) {
      // A lab that did not start leaves nothing behind: the test never gets a handle to close it.
      await lab?.close();
      rmSync(root, { recursive: true, force: true });
      throw error;
    }
  }

  /** The proxy of link a->b. */
  get proxy(): Proxy {
    return this.lab.link('a->b');
  }

  /** One workload append of op `id`, as the harness does it. */
  append(id: string, deadlineMs = 10_000, body = `body of ${id}`) {
    return this.workload(deadlineMs).append({ id, body, digest: bodyDigest(body) });
  }

  /** One workload 1-way send of op `id` to node b's mailbox `mbox`. */
  send(id: string, mbox = 'inbox', deadlineMs = 10_000) {
    const body = `body of ${id}`;
    return this.workload(deadlineMs).send({ id, body, digest: bodyDigest(body), node: 'b', mbox });
  }

  /** The harness's view of node a: the workload service, with the harness's own deadline per call. */
  workload(deadlineMs = 10_000): ClientStub<typeof workloadService> {
    return clientStub(workloadService, callerFromClient(this.toA!), { target: 'a', deadlineMs });
  }

  /** Every execution node b recorded. */
  async executions() {
    const all = [];
    for (;;) {
      const page = await this.log.read({ offset: all.length });
      all.push(...page.executions);
      if (all.length >= page.total) return all;
    }
  }

  /** Executions per op id. */
  async counts(): Promise<Map<string, number>> {
    const counts = new Map<string, number>();
    for (const execution of await this.executions()) counts.set(execution.id, (counts.get(execution.id) ?? 0) + 1);
    return counts;
  }

  /** Resolves once node b has recorded an execution of op `id` (with its reply: one journal record). */
  async executed(id: string, timeoutMs = 10_000): Promise<void> {
    if (!(await waitFor(async () => (await this.counts()).has(id), { timeoutMs, everyMs: 20 }))) throw new Error(`no execution of ${id} on b within ${timeoutMs} ms`);
  }

  /** Lose every message a->b ('upstream') or every reply b->a ('downstream') until the returned function runs. */
  async lose(stream: 'upstream' | 'downstream'): Promise<() => Promise<void>> {
    return this.toxic('drop_frames', stream, 1);
  }

  /** Add one of the proxy's frame toxics (drop_frames, corrupt_frames ...) until the returned function runs. */
  async toxic(type: string, stream: 'upstream' | 'downstream', probability: number): Promise<() => Promise<void>> {
    const toxic = await addToxic(this.proxy, { name: `${type}-${++this.toxics}`, type, stream, toxicity: 1, attributes: { probability } });
    return () => toxic.remove();
  }

  async crashServer(): Promise<void> {
    await this.lab.crash('b');
  }

  async restartServer(): Promise<void> {
    await this.lab.restart('b');
    await this.b.waitFor('ready', 90_000);
    await this.connectToB();
  }

  async crashClient(): Promise<void> {
    await this.lab.crash('a');
  }

  async restartClient(): Promise<void> {
    await this.lab.restart('a');
    await this.a.waitFor('ready', 90_000);
    await this.connectToA();
  }

  async close(): Promise<void> {
    this.toA?.close();
    this.toB?.close();
    await this.lab.close();
    rmSync(this.root, { recursive: true, force: true });
  }

  private async connectToA(): Promise<void> {
    this.toA?.close();
    this.toA = await NodeClient.connect(this.lab.address('a'));
  }

  private async connectToB(): Promise<void> {
    this.toB?.close();
    this.toB = await NodeClient.connect(this.lab.address('b'));
    this.log = clientStub(logService, callerFromClient(this.toB), { target: 'b', deadlineMs: 10_000 });
  }
}

/** Retransmission fast enough for short tests, patient enough to outlast a restart on a loaded machine. */
export const fastRetransmit = { retransmit: { initialMs: 20, maxMs: 150, maxAttempts: 100_000, giveUpMs: 60_000 } };
