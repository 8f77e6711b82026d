import type { LabNodeSpec } from '../lab.ts';
import type { HarnessWorld } from '../world.ts';

/**
 * Where a lab's nodes and proxy run. Each backend (process, docker) implements this; the lab knows no other.
 * Handles follow their lifecycle: a crashed node can be restarted but not paused, a stopped one is gone.
 */
export interface NodeSpec {
  /** Node name, unique in the lab (also its network alias on docker). */
  name: string;
  /** Arguments after `chaoslab node` (the backend adds --id, --port, --host and --data itself). */
  args: string[];
  /** Where the node's JSON-lines log is copied to, in the run folder. */
  logFile: string;
  /** What runs as the node; chaoslab's own node when absent. */
  program?: NodeProgram;
}

/**
 * A node that is not chaoslab's own node program, started with the same arguments (docs/YOUR-NODE.md):
 * `modules`: chaoslab's node with program modules of the user's project (absolute paths) added;
 * `command`: any executable that speaks docs/PROTOCOL.md (process backend);
 * `image`: the user's image, whose entrypoint gets the arguments (docker backend).
 */
export type NodeProgram = { kind: 'modules'; files: string[] } | { kind: 'command'; command: string[] } | { kind: 'image'; image: string };

/** The configuration of an infrastructure node that runs inside the harness (Backend.startServiceNode). */
export interface ServiceNodeConfig {
  programs: string[];
  lab: string;
}

export interface Address {
  host: string;
  port: number;
}

export interface RunningNode {
  readonly name: string;
  readonly state: 'running' | 'paused';
  /** Where the harness reaches the node directly (never through a proxy). */
  address(): Address;
  /** Where other nodes (and the proxy) reach the node. Equal to address() on the process backend. */
  peerAddress(): Address;
  /** Kill the node; with `powerLoss` (backends that offer it) its disk also loses what was not fsynced. */
  crash(options?: CrashOptions): Promise<CrashedNode>;
  pause(): Promise<void>;
  resume(): Promise<void>;
  stop(): Promise<void>;
  /** Network-level isolation (docker only: disconnect from the lab's network). */
  isolate?(): Promise<void>;
  rejoin?(): Promise<void>;
}

export interface CrashOptions {
  powerLoss?: boolean;
  /** With powerLoss: the last unsynced write of each file may be torn, part of it on the disk. */
  tornWrites?: boolean;
}

export interface CrashedNode {
  readonly name: string;
  readonly state: 'crashed';
  /** Start again on the same data (dir or volume) under the same name. */
  restart(): Promise<RunningNode>;
  /** Release what is left (nothing runs any more). */
  remove(): Promise<void>;
}

export interface ProxyEndpoint {
  /** The Toxiproxy HTTP API, for toxiproxy-node-client. */
  apiUrl: string;
  /** Host at which a proxy's listen port is reachable by nodes (e.g. 127.0.0.1, or the proxy container's alias). */
  listenHost: string;
  /** Address proxies bind their listen ports to, when it differs from listenHost (e.g. 0.0.0.0 in a container). */
  listenBind?: string;
  /** Host the proxy itself must dial to reach a node's peerAddress. */
  upstreamHostFor(node: RunningNode): string;
  /**
   * Whether other labs may use this server at the same time (an external Toxiproxy): a lab then names its proxies
   * uniquely and touches only those, never the whole server.
   */
  shared: boolean;
  /** How the API is reached when not over a socket of the real world (an in-process proxy on a simulation). */
  fetch?: typeof fetch;
  stop(): Promise<void>;
}

export interface Backend {
  readonly name: 'process' | 'docker' | 'sim';
  /** The world the harness side runs in (real when absent): the sim backend's is virtual. */
  readonly world?: HarnessWorld;
  /** Whether the backend can run frame-aware toxics (chaoslab's own proxy) or only standard Toxiproxy ones. */
  readonly frameToxics: boolean;
  /** Whether a node can lose power (its disk keeps only what was fsynced): a simulated disk only. */
  readonly powerLoss?: boolean;
  startProxy(runDir: string): Promise<ProxyEndpoint>;
  startNode(spec: NodeSpec): Promise<RunningNode>;
  /**
   * Optional: the peer address a node of this name will have once started, known before it starts, so that the
   * lab can start the name service and the nodes that need its address at the same time.
   */
  plannedPeerAddress?(name: string): Promise<Address>;
  /**
   * Optional: the port a link's proxy listens on (0 when absent: the kernel's choice). A disabled proxy (a cut wire,
   * a partition) gives its port back until it is enabled again; a port from the kernel's ephemeral range can then
   * go to any other program's listener on the machine, another lab's proxy included, and this lab's nodes,
   * reconnecting to the old address, would reach that program instead.
   */
  proxyListenPort?(): Promise<number>;
  /**
   * Optional: start a never-faulted infrastructure node (the name service) with `config` (its programs and lab id,
   * what spec.args carries as --config-json) the cheapest way the backend can (e.g. inside the harness process);
   * the lab uses startNode when absent.
   */
  startServiceNode?(spec: NodeSpec, config: ServiceNodeConfig): Promise<RunningNode>;
  /** Optional: why a lab of these nodes (and a scenario script, if `scripted`) cannot run here, if it cannot. */
  cannotRun?(nodes: LabNodeSpec[], scripted: boolean): string | undefined;
  /** Stop and remove everything this backend started; safe to call twice and after a failure. */
  close(): Promise<void>;
}
