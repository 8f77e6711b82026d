import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { Toxiproxy, ToxiproxyError, type Proxy } from 'toxiproxy-node-client';
import type { WireEvent } from './proxy/wire-log.ts';
import { splitHostPort } from './proxy/address.ts';
import type { Address, Backend, CrashedNode, CrashOptions, ProxyEndpoint, RunningNode } from './backends/backend.ts';
import { stubPerCall, withConnection, type MailboxSizes } from './lab/node-connection.ts';
import type { ClientStub, ServiceDecl } from '../nodes/rpc/service.ts';
import { namesService } from '../nodes/names/service.ts';
import { realWorld, type HarnessWorld } from './world.ts';

export { isProgramModule, nodeProgram, type LabNodeSpec } from './lab/node-spec.ts';
import { nodeProgram, type LabNodeSpec } from './lab/node-spec.ts';

export interface LabOptions {
  runDir: string;
  nodes: LabNodeSpec[];
}

/** The name-service node's name: it is infrastructure, reached directly by everyone and never faulted. */
export const NAME_SERVICE = 'names';

export type NodeHandle = RunningNode | CrashedNode;

/**
 * `A->B` is every connection A opens toward B; its proxy is `link_A_B` (docs/ARCHITECTURE.md), after the lab's
 * prefix on a shared server.
 */
export function proxyName(link: string, prefix = ''): string {
  const [from, to] = parseLink(link);
  return `${prefix}link_${from}_${to}`;
}

/**
 * A prefix no other lab on a shared server has: this harness's pid (readable when one looks at the server) and
 * random bytes (harnesses on other hosts share the server too).
 */
function sharedServerPrefix(): string {
  return `lab-${process.pid}-${randomBytes(3).toString('hex')}_`;
}

export function parseLink(link: string): [string, string] {
  const parts = link.split('->').map((part) => part.trim());
  if (parts.length !== 2 || !parts[0] || !parts[1]) throw new Error(`bad link "${link}": expected "FROM->TO", e.g. "n1->n2"`);
  return [parts[0], parts[1]];
}

/**
 * A running cluster: a name service, the nodes, and one proxy per directed link between nodes, so that every
 * node-to-node byte crosses a proxy and a fault can hit one direction of one link.
 */
export class Lab {
  /**
   * This lab's id, in every node's configuration and in every hello the harness says: a node refuses a connection
   * from another lab's node or harness (docs/PROTOCOL.md, Connections). Random, never drawn from the run's seed:
   * two labs of the same seed on one machine must differ, and no seeded draw may depend on it.
   */
  readonly id = randomBytes(8).toString('hex');
  private readonly handles = new Map<string, NodeHandle>();
  private readonly links = new Map<string, Proxy>();
  /** Every proxy this lab asked the server for, also those of a populate that failed halfway. */
  private readonly proxyNames: string[] = [];
  private readonly crashing = new Set<string>();
  private closing: Promise<void> | undefined;
  /**
   * Before every proxy name of this lab. Empty on a server of the lab's own: chaoslab's proxy keys its seeded
   * draws by proxy name, so plain names keep a run replayable from its seed.
   */
  private proxyPrefix = '';

  /** Set by start() once the proxy answers. */
  toxiproxy!: Toxiproxy;
  private proxyEndpoint!: ProxyEndpoint;

  /** Where the harness's side of the lab lives: its connections to nodes, its clock. */
  readonly world: HarnessWorld;

  private constructor(
    readonly backend: Backend,
    readonly options: LabOptions,
  ) {
    this.world = backend.world ?? realWorld;
  }

  /** Starts everything; on any failure, stops what was started before rethrowing. */
  static async start(backend: Backend, options: LabOptions): Promise<Lab> {
    const names = options.nodes.map((node) => node.name);
    const duplicate = names.find((name, i) => names.indexOf(name) !== i);
    if (duplicate) throw new Error(`node name "${duplicate}" is used twice`);
    if (names.includes(NAME_SERVICE)) throw new Error(`node name "${NAME_SERVICE}" is reserved for the name service`);

    // Checked before anything starts: a missing module or an empty command is the scenario's mistake.
    const runs = options.nodes.map((spec) => nodeProgram(spec, backend.name));
    const lab = new Lab(backend, options);
    let proxyStarted: Promise<void> | undefined;
    try {
      // The proxy is needed only once the nodes run (to create the links): it starts alongside them.
      proxyStarted = backend.startProxy(options.runDir).then((endpoint) => {
        lab.proxyEndpoint = endpoint;
        lab.toxiproxy = new Toxiproxy(endpoint.apiUrl);
        if (endpoint.fetch) reachOver(lab.toxiproxy, endpoint.fetch);
        if (endpoint.shared) lab.proxyPrefix = sharedServerPrefix();
      });
      // Awaited below, once the nodes are up; until then a proxy that fails to start must not crash the harness
      // as an unhandled rejection.
      proxyStarted.catch(() => {});
      const nameServiceConfig = { programs: ['name-service'], lab: lab.id };
      const nameServiceSpec = {
        name: NAME_SERVICE,
        args: ['--config-json', JSON.stringify(nameServiceConfig)],
        logFile: lab.logFile(NAME_SERVICE),
      };
      const startNameService = () =>
        backend.startServiceNode ? backend.startServiceNode(nameServiceSpec, nameServiceConfig) : backend.startNode(nameServiceSpec);
      // With the name service's address known in advance, it boots alongside the nodes instead of before them.
      let nameServiceAt: Address;
      let nameServiceStarted: Promise<RunningNode>;
      if (backend.plannedPeerAddress) {
        nameServiceAt = await backend.plannedPeerAddress(NAME_SERVICE);
        nameServiceStarted = startNameService();
      } else {
        const nameService = await startNameService();
        nameServiceAt = nameService.peerAddress();
        nameServiceStarted = Promise.resolve(nameService);
      }
      // Node starts are CPU-bound: a bounded number at a time, so that a big lab's last node does not time out
      // while it waits for the machine behind all the others.
      const startSlot = limitConcurrency(STARTS_AT_ONCE);
      // allSettled, not all: on a failure every node still booting must be known before the lab is closed.
      const settled = await Promise.allSettled([
        nameServiceStarted,
        ...options.nodes.map((spec, i) =>
          startSlot(() => backend.startNode({
            name: spec.name,
            args: [
              '--config-json',
              JSON.stringify({ ...spec.config, programs: runs[i]!.programs, lab: lab.id }),
              '--name-service',
              `${nameServiceAt.host}:${nameServiceAt.port}`,
            ],
            logFile: lab.logFile(spec.name),
            ...(runs[i]!.program ? { program: runs[i]!.program } : {}),
          })),
        ),
      ]);
      for (const result of settled) if (result.status === 'fulfilled') lab.handles.set(result.value.name, result.value);
      const failed = settled.find((result) => result.status === 'rejected');
      if (failed) throw failed.reason;
      await proxyStarted;
      await lab.createLinks();
      return lab;
    } catch (error) {
      await proxyStarted?.catch(() => {}); // a proxy still starting must be up before it can be stopped
      await lab.close();
      throw error;
    }
  }

  get frameToxics(): boolean {
    return this.backend.frameToxics;
  }

  /** The scenario's nodes (not the name service). */
  get nodeNames(): string[] {
    return this.options.nodes.map((node) => node.name);
  }

  logFile(name: string): string {
    return join(this.options.runDir, 'nodes', `${name}.log`);
  }

  node(name: string): NodeHandle {
    const handle = this.handles.get(name);
    if (!handle) throw new Error(`no node "${name}" in this lab (nodes: ${this.nodeNames.join(', ')})`);
    return handle;
  }

  running(name: string): RunningNode {
    const handle = this.node(name);
    if (handle.state === 'crashed') throw new Error(`node ${name} is crashed`);
    return handle;
  }

  /** Where the harness reaches a node directly, never through a proxy. */
  address(name: string): Address {
    return this.running(name).address();
  }

  link(link: string): Proxy {
    const proxy = this.links.get(proxyName(link, this.proxyPrefix));
    if (!proxy) throw new Error(`no link "${link}" in this lab (nodes: ${this.nodeNames.join(', ')})`);
    return proxy;
  }

  async crash(name: string, options: CrashOptions = {}): Promise<void> {
    const node = this.running(name);
    // Down from the moment the kill is decided: no new op may be handed to a node that is being killed.
    this.crashing.add(name);
    try {
      this.handles.set(name, await node.crash(options));
    } finally {
      this.crashing.delete(name);
    }
  }

  /** Whether the node is crashed or being crashed: the workload waits instead of sending it work. */
  isDown(name: string): boolean {
    return this.crashing.has(name) || this.node(name).state === 'crashed';
  }

  async restart(name: string): Promise<void> {
    const handle = this.node(name);
    if (handle.state !== 'crashed') throw new Error(`node ${name} is ${handle.state}, not crashed: cannot restart it`);
    this.handles.set(name, await handle.restart());
  }

  async pause(name: string): Promise<void> {
    await this.running(name).pause();
  }

  async resume(name: string): Promise<void> {
    await this.running(name).resume();
  }

  /** Undo every fault: no toxic, every link enabled, every node running. */
  async heal(): Promise<void> {
    await this.healLinks();
    for (const [name, handle] of this.handles) {
      if (handle.state === 'crashed') await this.restart(name);
      else if (handle.state === 'paused') await handle.resume();
    }
  }

  /**
   * A typed stub of a service on a node (`lab.stub('n2', logService).read({})`), called directly: the harness's
   * own calls are never faulted. Each call connects anew, so a stub outlives crashes and restarts of its node.
   */
  stub<S extends ServiceDecl>(node: string, service: S, deadlineMs = 10_000): ClientStub<S> {
    return stubPerCall(node, () => this.address(node), { lab: this.id, env: this.world.env }, service, deadlineMs);
  }

  /** A node's mailboxes with their queued and leased messages. */
  mailboxes(node: string): Promise<Record<string, MailboxSizes>> {
    return withConnection(node, this.address(node), { lab: this.id, env: this.world.env }, (connection) => connection.mailboxes());
  }

  /** Stops everything; every call, also one made while a close is under way, resolves once all is stopped. */
  close(): Promise<void> {
    return (this.closing ??= this.stopAll());
  }

  private async stopAll(): Promise<void> {
    await Promise.allSettled([
      ...[...this.handles.values()].map((handle) => (handle.state === 'crashed' ? handle.remove() : handle.stop())),
      // A shared server outlives the lab: it must not keep this lab's proxies and their ports.
      ...(this.proxyEndpoint?.shared ? this.proxyNames.map((name) => this.toxiproxy.api.delete(`${this.toxiproxy.host}/proxies/${name}`)) : []),
    ]);
    await this.backend.close();
  }

  /**
   * No toxic and every proxy enabled, on this lab's proxies only (never the server's `reset`, which would heal
   * every other lab sharing the server): one listing, then a request per toxic and per disabled proxy.
   */
  private async healLinks(): Promise<void> {
    type ProxyState = { enabled: boolean; toxics: { name: string }[] };
    const { data } = await this.toxiproxy.api.get<Record<string, ProxyState>>(`${this.toxiproxy.host}/proxies`);
    await Promise.all(
      [...this.links.values()].map(async (proxy) => {
        const state = data[proxy.name];
        if (!state) throw new Error(`proxy ${proxy.name} of this lab is gone from ${this.toxiproxy.host}`);
        await Promise.all(state.toxics.map((toxic) => this.toxiproxy.api.delete(`${proxy.getPath()}/toxics/${toxic.name}`)));
        if (!state.enabled) await proxy.update({ enabled: true, listen: proxy.listen, upstream: proxy.upstream });
      }),
    );
  }

  /**
   * Asks chaoslab's proxy to record every frame that crosses a link (a real Toxiproxy has no such record: the
   * report then tells message movements from the node logs alone).
   */
  private async recordWire(): Promise<void> {
    // The record is one per server: on a server other labs share, one lab's reads would take the others' events.
    if (this.proxyEndpoint.shared) return;
    try {
      await (this.proxyEndpoint.fetch ?? fetch)(`${this.proxyEndpoint.apiUrl}/chaoslab/wire`, { method: 'POST' });
    } catch {
      // No wire record; the run goes on without it.
    }
  }

  /** What the proxy recorded since the last call, with each proxy named by its link (`A->B`); undefined without. */
  async wire(): Promise<{ events: (Omit<WireEvent, 'proxy'> & { link: string })[]; truncated: boolean } | undefined> {
    if (this.proxyEndpoint.shared) return undefined;
    try {
      const response = await (this.proxyEndpoint.fetch ?? fetch)(`${this.proxyEndpoint.apiUrl}/chaoslab/wire`);
      if (!response.ok) return undefined;
      const body = (await response.json()) as { recording?: boolean; events?: WireEvent[]; truncated?: boolean };
      if (!body.recording || !Array.isArray(body.events)) return undefined;
      const linkOf = new Map(this.linkNames().map((link) => [proxyName(link, this.proxyPrefix), link]));
      const events = body.events.map(({ proxy, ...event }) => ({ ...event, link: linkOf.get(proxy) ?? proxy }));
      return { events, truncated: body.truncated === true };
    } catch {
      return undefined;
    }
  }

  private linkNames(): string[] {
    const names = this.nodeNames;
    return names.flatMap((from) => names.filter((to) => to !== from).map((to) => `${from}->${to}`));
  }

  private async createLinks(): Promise<void> {
    const names = this.nodeNames;
    const bindHost = this.proxyEndpoint.listenBind ?? this.proxyEndpoint.listenHost;
    const pairs = names.flatMap((from) => names.filter((to) => to !== from).map((to) => [from, to] as const));
    const wanted = await Promise.all(
      pairs.map(async ([from, to]) => {
        const target = this.running(to);
        return {
          name: proxyName(`${from}->${to}`, this.proxyPrefix),
          listen: `${bindHost}:${(await this.backend.proxyListenPort?.()) ?? 0}`,
          upstream: `${this.proxyEndpoint.upstreamHostFor(target)}:${target.peerAddress().port}`,
          enabled: true,
        };
      }),
    );
    await this.recordWire();
    this.proxyNames.push(...wanted.map((proxy) => proxy.name));
    // populate creates or updates the proxies it names and no other: on a shared server, this lab's only.
    const proxies = await this.toxiproxy.populate(wanted);
    for (const proxy of Object.values(proxies)) this.links.set(proxy.name, proxy);
    const links = pairs.map(([from, to]) => {
      const proxy = this.links.get(proxyName(`${from}->${to}`, this.proxyPrefix));
      if (!proxy) throw new Error(`the proxy did not create link ${from}->${to}`);
      return { from, to, host: this.proxyEndpoint.listenHost, port: portOf(proxy.listen) };
    });
    await this.stub(NAME_SERVICE, namesService).setLinks({ links });
  }
}

/**
 * Send the client's API requests through `send` instead of the global fetch. toxiproxy-node-client has no option
 * for it, so its one request method is replaced, keeping what it does with an answer that is not ok.
 */
function reachOver(toxiproxy: Toxiproxy, send: typeof fetch): void {
  (toxiproxy.api as unknown as { doFetch: (url: string, init: RequestInit) => Promise<Response> }).doFetch = async (url, init) => {
    const response = await send(url, init);
    if (!response.ok) throw new ToxiproxyError('Error', `Request failed with status code ${response.status}`);
    return response;
  };
}

const STARTS_AT_ONCE = 6;

function limitConcurrency(limit: number): <T>(task: () => Promise<T>) => Promise<T> {
  let running = 0;
  const waiting: (() => void)[] = [];
  return async (task) => {
    if (running >= limit) await new Promise<void>((resolve) => waiting.push(resolve));
    running++;
    try {
      return await task();
    } finally {
      running--;
      waiting.shift()?.();
    }
  };
}

function portOf(listen: string): number {
  const port = splitHostPort(listen)?.port ?? 0;
  if (port <= 0) throw new Error(`the proxy reported an unusable listen address "${listen}"`);
  return port;
}
