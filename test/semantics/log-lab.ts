import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Toxiproxy, Proxy } from 'toxiproxy-node-client';
import { reservePort } from '../../harness/backends/ports.ts';
import { openToxiproxy, type OpenToxiproxy } from '../../harness/toxiproxy.ts';
import { NodeClient } from '../../nodes/client.ts';
import { workloadService } from '../../nodes/programs/client.ts';
import { logService } from '../../nodes/programs/log.ts';
import { callerFromClient } from '../../nodes/rpc/caller.ts';
import type { ClientStub } from '../../nodes/rpc/service.ts';
import { clientStub } from '../../nodes/rpc/stub.ts';
import { bodyDigest } from '../../nodes/semantics/integrity.ts';
import { startNode, type NodeProcess } from '../helpers/node-process.ts';
import { waitFor } from '../helpers/wait.ts';

// A two-node lab for delivery-semantics tests: client node `a` (program client) calls the log on node `b`
// through one proxy on link a->b, so tests can lose messages (upstream) or replies (downstream), and SIGKILL
// either node and restart it on the same data dir.

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
  private toA: NodeClient | undefined;
  private toB: NodeClient | undefined;
  private toxics = 0;

  private constructor(
    readonly options: LogLabOptions,
    readonly root: string,
    readonly toxiproxy: OpenToxiproxy,
    readonly proxy: Proxy,
    public a: NodeProcess,
    public b: NodeProcess,
  ) {}

  static async start(options: LogLabOptions): Promise<LogLab> {
    const root = mkdtempSync(join(tmpdir(), 'chaoslab-semantics-'));
    const toxiproxy = await openToxiproxy({ kind: 'embedded', seed: 7 });
    // Both nodes start at once (a node takes seconds to start on a busy machine): their ports are chosen first,
    // and kept across restarts.
    const bPort = await reservePort();
    const proxy = await (toxiproxy.client as Toxiproxy).createProxy({ name: 'link_a_b', listen: '127.0.0.1:0', upstream: `127.0.0.1:${bPort}` });
    const proxyPort = Number(proxy.listen.slice(proxy.listen.lastIndexOf(':') + 1));
    const aPort = await reservePort();
    const started = await Promise.allSettled([startNode(clientSpec(options, root, proxyPort, aPort)), startNode(serverSpec(options, root, bPort))]);
    const nodes = started.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
    try {
      const failed = started.find((result) => result.status === 'rejected');
      if (failed) throw failed.reason;
      const [a, b] = nodes as [NodeProcess, NodeProcess];
      await Promise.all([a.waitFor('program-started'), b.waitFor('program-started')]);
      const lab = new LogLab(options, root, toxiproxy, proxy, a, b);
      await lab.connect();
      return lab;
    } catch (error) {
      // A lab that did not start leaves nothing behind: the test never gets a handle to close it.
      await Promise.all(nodes.map((node) => node.kill()));
      await toxiproxy.stop();
      rmSync(root, { recursive: true, force: true });
      throw error;
    }
  }

  get proxyPort(): number {
    return Number(this.proxy.listen.slice(this.proxy.listen.lastIndexOf(':') + 1));
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
    const toxic = await this.proxy.addToxic({ name: `${type}-${++this.toxics}`, type: type as never, stream, toxicity: 1, attributes: { probability } as never });
    return () => toxic.remove();
  }

  async crashServer(): Promise<void> {
    await this.b.kill();
  }

  async restartServer(): Promise<void> {
    this.b = await startNode(serverSpec(this.options, this.root, this.b.port));
    await this.b.waitFor('program-started');
    await this.connectToB();
  }

  async crashClient(): Promise<void> {
    await this.a.kill();
  }

  async restartClient(): Promise<void> {
    this.a = await startNode(clientSpec(this.options, this.root, this.proxyPort, this.a.port));
    await this.a.waitFor('program-started');
    await this.connectToA();
  }

  async close(): Promise<void> {
    this.toA?.close();
    this.toB?.close();
    await Promise.all([this.a.kill(), this.b.kill()]);
    await this.toxiproxy.stop();
    rmSync(this.root, { recursive: true, force: true });
  }

  private async connect(): Promise<void> {
    await Promise.all([this.connectToA(), this.connectToB()]);
  }

  private async connectToA(): Promise<void> {
    this.toA?.close();
    this.toA = await NodeClient.connect(this.a.address);
  }

  private async connectToB(): Promise<void> {
    this.toB?.close();
    this.toB = await NodeClient.connect(this.b.address);
    this.log = clientStub(logService, callerFromClient(this.toB), { target: 'b', deadlineMs: 10_000 });
  }
}

function serverSpec(options: LogLabOptions, root: string, port: number) {
  return {
    startTimeoutMs: 90_000,
    id: 'b',
    port,
    data: join(root, 'b'),
    programs: ['log', ...(options.serverPrograms ?? [])],
    config: { semantics: options.semantics, ...(options.bug ? { bug: options.bug } : {}), ...options.config, options: { ...options.serverOptions } },
  };
}

function clientSpec(options: LogLabOptions, root: string, proxyPort: number, port: number) {
  return {
    startTimeoutMs: 90_000,
    id: 'a',
    port,
    data: join(root, 'a'),
    programs: ['client'],
    peers: { b: { port: proxyPort } },
    config: { semantics: options.semantics, ...(options.bug ? { bug: options.bug } : {}), ...options.config, options: { target: 'b', deadlineMs: 60_000, ...options.clientOptions } },
  };
}

/** Retransmission fast enough for short tests, patient enough to outlast a restart on a loaded machine. */
export const fastRetransmit = { retransmit: { initialMs: 20, maxMs: 150, maxAttempts: 100_000, giveUpMs: 60_000 } };
