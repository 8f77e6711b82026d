import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Address, Backend, CrashedNode, CrashOptions, NodeSpec, ProxyEndpoint, RunningNode } from './backend.ts';
import { Node } from '../../nodes/node.ts';
import { parseHostPort } from '../../nodes/config.ts';
import { loadPrograms, startPrograms } from '../../nodes/programs/index.ts';
import { SimWorld, type HostEnv } from '../sim/env.ts';
import { simProxy } from '../sim/proxy.ts';
import type { HarnessWorld } from '../world.ts';
import { isProgramModule, type LabNodeSpec } from '../lab.ts';

// The sim backend: every node of the lab, the name service and the link proxies run in the harness process, on
// one simulated world (virtual time, simulated network and disks) drawn from the run's seed. The node code is the
// same nodes/ code the process backend runs as a program, given the world through its Env.

/** Nodes' addresses in the simulated address space. */
const HOST = '127.0.0.1';
const FIRST_NODE_PORT = 7000;
/** How far virtual time may run in one phase before the run is called stuck. */
const VIRTUAL_LIMIT_MS = 3_600_000;
/** Where a node's data dir is on its simulated disk. */
const DATA_DIR = '/data';

export class SimBackend implements Backend {
  readonly name = 'sim' as const;
  readonly frameToxics = true;
  readonly powerLoss = true;
  readonly sim: SimWorld;
  readonly world: HarnessWorld;
  private readonly ports = new Map<string, number>();
  private readonly running = new Set<SimNode>();
  /** Node log lines, kept until the simulation yields: files are written outside virtual time. */
  private readonly logs = new Map<string, string[]>();
  private proxy: ReturnType<typeof simProxy> | undefined;
  private readonly proxySeed: number;

  constructor(options: { seed: number; proxySeed: number }) {
    this.sim = new SimWorld(options.seed);
    const harness = this.sim.host('harness');
    const { scheduler } = this.sim;
    this.world = {
      env: harness.env,
      monotonic: () => scheduler.now,
      simulate: async (work) => {
        try {
          return await scheduler.run(work, scheduler.now + VIRTUAL_LIMIT_MS);
        } finally {
          this.writeLogs();
        }
      },
    };
    this.proxySeed = options.proxySeed;
  }

  /** Loads every program before the simulation starts: importing code is real I/O, which virtual time must not race. */
  static async create(options: { seed: number; proxySeed: number }): Promise<SimBackend> {
    await loadPrograms();
    return new SimBackend(options);
  }

  async startProxy(): Promise<ProxyEndpoint> {
    this.proxy = simProxy(this.sim, this.proxySeed);
    const proxy = this.proxy;
    return {
      apiUrl: 'http://proxy.sim',
      listenHost: HOST,
      upstreamHostFor: () => HOST,
      shared: false,
      fetch: proxy.fetch,
      stop: async () => proxy.stop(),
    };
  }

  async plannedPeerAddress(name: string): Promise<Address> {
    return { host: HOST, port: this.portOf(name) };
  }

  /** What a simulation cannot hold: anything that is a real process, or code loaded from the user's project. */
  cannotRun(nodes: LabNodeSpec[], scripted: boolean): string | undefined {
    const own = nodes.find((node) => node.command || node.image || node.programs.some(isProgramModule));
    if (own) return `node ${own.name} is the user's own (an executable, an image or a program module): the sim backend runs chaoslab's own programs only`;
    if (scripted) return 'its script may run real commands ($), which virtual time cannot wait for';
    return undefined;
  }

  startServiceNode(spec: NodeSpec): Promise<RunningNode> {
    return this.startNode(spec);
  }

  async startNode(spec: NodeSpec): Promise<RunningNode> {
    if (spec.program) throw new Error(`node ${spec.name}: the sim backend runs chaoslab's own programs only, not ${spec.program.kind}`);
    return SimNode.start(this, spec);
  }

  async close(): Promise<void> {
    await Promise.allSettled([...this.running].map((node) => node.stop()));
    this.proxy?.stop();
    this.writeLogs();
  }

  /** @internal */
  portOf(name: string): number {
    let port = this.ports.get(name);
    if (port === undefined) this.ports.set(name, (port = FIRST_NODE_PORT + this.ports.size));
    return port;
  }

  /** @internal */
  hostFor(spec: NodeSpec): HostEnv {
    const lines = this.logs.get(spec.logFile) ?? [];
    this.logs.set(spec.logFile, lines);
    return this.sim.host(spec.name, (text) => lines.push(text));
  }

  /** @internal */
  track(node: SimNode, running: boolean): void {
    if (running) this.running.add(node);
    else this.running.delete(node);
  }

  private writeLogs(): void {
    for (const [file, lines] of this.logs) {
      if (lines.length === 0) continue;
      mkdirSync(dirname(file), { recursive: true });
      appendFileSync(file, lines.join(''));
      lines.length = 0;
    }
  }
}

/** The command-line arguments the lab gives a node, as the node's config. */
function configOf(spec: NodeSpec, port: number): Record<string, unknown> {
  let config: Record<string, unknown> = {};
  for (let i = 0; i < spec.args.length; i += 2) {
    const [flag, value] = [spec.args[i], spec.args[i + 1]];
    if (flag === '--config-json' && value) config = { ...config, ...(JSON.parse(value) as Record<string, unknown>) };
    else if (flag === '--name-service' && value) config.nameService = parseHostPort(value, '--name-service');
    else throw new Error(`node ${spec.name}: the sim backend does not know the argument ${flag}`);
  }
  return { ...config, id: spec.name, host: HOST, port, data: `${DATA_DIR}/${spec.name}` };
}

class SimNode implements RunningNode {
  state: 'running' | 'paused' = 'running';
  private stopped = false;

  private constructor(
    private readonly backend: SimBackend,
    private readonly spec: NodeSpec,
    private readonly host: HostEnv,
    private readonly node: Node,
  ) {
    backend.track(this, true);
  }

  static async start(backend: SimBackend, spec: NodeSpec): Promise<SimNode> {
    const host = backend.hostFor(spec);
    const config = configOf(spec, backend.portOf(spec.name));
    const node = await Node.start(config as never, { env: host.env });
    const programs = (config.programs as string[] | undefined) ?? [];
    await startPrograms(node, programs);
    node.log('ready', { programs });
    return new SimNode(backend, spec, host, node);
  }

  get name(): string {
    return this.spec.name;
  }

  address(): Address {
    return { host: HOST, port: this.node.port };
  }

  peerAddress(): Address {
    return this.address();
  }

  /** The node's memory is gone (its timers, sockets, open files); its disk stays, less what a power loss takes. */
  async crash({ powerLoss = false, tornWrites = false }: CrashOptions = {}): Promise<CrashedNode> {
    this.stopped = true;
    this.backend.track(this, false);
    this.host.crash(powerLoss && { tornWrites });
    const { backend, spec } = this;
    return {
      name: spec.name,
      state: 'crashed',
      restart: () => SimNode.start(backend, spec),
      remove: async () => {},
    };
  }

  /** SIGSTOP: nothing of the node runs; its connections stay open and what arrives waits, as in the kernel. */
  async pause(): Promise<void> {
    this.host.pause();
    this.state = 'paused';
  }

  async resume(): Promise<void> {
    this.host.resume();
    this.state = 'running';
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.backend.track(this, false);
    // As SIGCONT before SIGTERM: a frozen node could not stop.
    if (this.state === 'paused') await this.resume();
    await this.node.stop();
    this.host.crash();
  }
}
