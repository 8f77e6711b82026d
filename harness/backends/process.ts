import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, fstatSync, mkdirSync, openSync, readFileSync, readSync, rmSync, watch, type FSWatcher } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Address, Backend, CrashedNode, NodeSpec, ProxyEndpoint, RunningNode, ServiceNodeConfig } from './backend.ts';
import { bundle, nodeBundleWith } from '../bundles.ts';
import { openToxiproxy } from '../toxiproxy.ts';
import { startEmbeddedNode } from './embedded-node.ts';
import { DATA_ROOT_PREFIX, LeftoverNote } from './leftovers.ts';
import { releasePorts, reservePort } from './ports.ts';

const HOST = '127.0.0.1';
/** A node starts in about 0.3 s; a loaded 2-core machine starting a 27-node lab needs far more. */
const START_TIMEOUT_MS = 60_000;
const STOP_GRACE_MS = 3_000;

/** Every child any process backend started, so that an exiting harness never leaves one behind. */
const livingChildren = new Set<ChildProcess>();
/** The data folders of backends not closed yet, for the same reason. */
const openDataRoots = new Set<string>();
/** Children still starting, per backend: a lab that fails to start must not leave one booting. */
const startingChildren = new WeakMap<Set<ProcessNode>, Set<ChildProcess>>();
process.on('exit', () => {
  for (const child of livingChildren) child.kill('SIGKILL');
  for (const root of openDataRoots) removeDataRoot(root);
});

export interface ProcessBackendOptions {
  /** An external Toxiproxy (only standard toxics); the embedded chaoslab proxy when absent. */
  toxiproxyUrl?: string;
  /** Seed of the embedded proxy's randomness (toxicity, frame toxics). */
  proxySeed?: number;
  /**
   * Whether the external Toxiproxy is chaoslab's own server, which has the frame toxics (default: no). Asked by
   * whoever creates the backend (isChaoslabProxy), since a backend's abilities are known before it starts.
   */
  externalFrameToxics?: boolean;
}

/** Nodes as local `chaoslab node` processes, each with its own data dir; the proxy embedded in this process. */
export class ProcessBackend implements Backend {
  readonly name = 'process' as const;
  readonly frameToxics: boolean;
  private readonly dataRoot = join(tmpdir(), `${DATA_ROOT_PREFIX}${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`);
  /** What this lab started, for `chaoslab clean` should this harness be killed before it can stop it. */
  private readonly leftovers = new LeftoverNote(this.dataRoot);
  private readonly nodes = new Set<ProcessNode>();
  private readonly proxies: ProxyEndpoint[] = [];
  private readonly plannedPorts = new Map<string, number>();
  /** Every port this lab reserved: claimed machine-wide until the lab is closed, down times included. */
  private readonly reservedPorts = new Set<number>();
  private closed = false;
  private readonly embedded: RunningNode[] = [];

  constructor(private readonly options: ProcessBackendOptions = {}) {
    this.frameToxics = options.toxiproxyUrl === undefined || options.externalFrameToxics === true;
  }

  async startProxy(_runDir: string): Promise<ProxyEndpoint> {
    // The embedded server runs on this thread: a worker thread's boot costs more CPU than forwarding a lab's small
    // messages does, and a lab start, which boots every node at once, made it the slowest part (0.3-0.6 s).
    const toxiproxy = await openToxiproxy(
      this.options.toxiproxyUrl === undefined
        ? { kind: 'embedded', seed: this.options.proxySeed, thread: 'main' }
        : { kind: 'external', url: this.options.toxiproxyUrl },
    );
    const endpoint: ProxyEndpoint = {
      apiUrl: toxiproxy.url,
      listenHost: HOST,
      upstreamHostFor: () => HOST,
      shared: toxiproxy.kind === 'external',
      stop: () => toxiproxy.stop(),
    };
    this.proxies.push(endpoint);
    return endpoint;
  }

  async startNode(spec: NodeSpec): Promise<RunningNode> {
    if (this.closed) throw new Error(`node ${spec.name} not started: its lab is closed`);
    const dataDir = join(this.dataRoot, spec.name);
    mkdirSync(dataDir, { recursive: true });
    openDataRoots.add(this.dataRoot);
    this.leftovers.claimFolder();
    mkdirSync(dirname(spec.logFile), { recursive: true });
    const planned = this.plannedPorts.get(spec.name);
    let node: ProcessNode;
    for (let attempt = 1; ; attempt++) {
      const port = planned ?? (await this.reserve());
      try {
        node = await ProcessNode.spawn(spec, dataDir, port, this.nodes, this.leftovers);
        break;
      } catch (error) {
        // A reserved port is free when reserved, not when bound: another harness on the machine may bind it in
        // between. A first start can take another port; a planned one (or a restart) must keep its own.
        if (planned !== undefined || attempt >= FIRST_START_PORT_ATTEMPTS || !String(error).includes('EADDRINUSE')) throw error;
      }
    }
    if (this.closed) {
      await node.stop();
      throw new Error(`node ${spec.name} started after its lab was closed`);
    }
    return node;
  }

  /** The name service runs inside the harness process: one node start less per lab. */
  async startServiceNode(spec: NodeSpec, config: ServiceNodeConfig): Promise<RunningNode> {
    mkdirSync(dirname(spec.logFile), { recursive: true });
    const node = await startEmbeddedNode(spec, config, HOST, this.plannedPorts.get(spec.name) ?? 0);
    this.embedded.push(node);
    return node;
  }

  /** Proxies listen below the ephemeral range too, where a port freed by a disabled proxy is taken by no `:0` bind. */
  proxyListenPort(): Promise<number> {
    return this.reserve();
  }

  /** Reserves a loopback port for the node, outside the range outgoing connections take theirs from. */
  async plannedPeerAddress(name: string): Promise<Address> {
    const port = await this.reserve();
    this.plannedPorts.set(name, port);
    return { host: HOST, port };
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const child of startingChildren.get(this.nodes) ?? []) child.kill('SIGKILL');
    await Promise.allSettled([...this.nodes, ...this.embedded.splice(0)].map((node) => node.stop()));
    await Promise.allSettled(this.proxies.splice(0).map((proxy) => proxy.stop()));
    removeDataRoot(this.dataRoot);
    openDataRoots.delete(this.dataRoot);
    releasePorts(this.reservedPorts);
    this.reservedPorts.clear();
  }

  private async reserve(): Promise<number> {
    const port = await reservePort(HOST);
    this.reservedPorts.add(port);
    return port;
  }
}

/** How many ports a node's first start tries when the one it reserved was taken before it could bind it. */
const FIRST_START_PORT_ATTEMPTS = 5;

/** The `fatal` line a node logged after `from` (why it exited before it was ready), as `fatal: <error>`. */
function fatalLine(logFile: string, from: number): string | undefined {
  try {
    const text = readFileSync(logFile).subarray(from).toString('utf8');
    for (const line of text.split('\n').reverse()) {
      if (!line.includes('"fatal"')) continue;
      const parsed = JSON.parse(line) as { event?: unknown; error?: unknown };
      if (parsed.event === 'fatal') return `fatal: ${String(parsed.error)}`;
    }
  } catch {
    // no log, or a line that is not JSON: the exit code and stderr still say something
  }
  return undefined;
}

/** A node killed moments ago may still be flushing into its dir: retry, and never fail a run over temp files. */
function removeDataRoot(root: string): void {
  try {
    rmSync(root, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
  } catch {
    // left in the OS temp dir, for `chaoslab clean`
  }
}

class ProcessNode implements RunningNode {
  state: 'running' | 'paused' = 'running';
  private readonly exited: Promise<void>;

  private constructor(
    readonly spec: NodeSpec,
    private readonly dataDir: string,
    private readonly child: ChildProcess,
    private readonly port: number,
    /** The backend's set of living nodes: a node leaves it when its process exits. */
    private readonly owner: Set<ProcessNode>,
    private readonly leftovers: LeftoverNote,
  ) {
    owner.add(this);
    this.exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    void this.exited.then(() => {
      livingChildren.delete(child);
      owner.delete(this);
    });
  }

  get name(): string {
    return this.spec.name;
  }

  /**
   * Start `chaoslab node` and wait for its `ready` line; a restart asks for the port it had before. The node
   * writes its log straight into its log file (its stdout is that file, opened for appending so that a restarted
   * node's lines follow the crashed one's): the harness relays no log byte, it only reads the file until `ready`.
   */
  static async spawn(spec: NodeSpec, dataDir: string, port: number, owner: Set<ProcessNode>, leftovers: LeftoverNote): Promise<ProcessNode> {
    const args = ['--id', spec.name, '--host', HOST, '--port', String(port), '--data', dataDir, ...spec.args];
    const [file, ...fileArgs] = await executable(spec);
    const logFd = openSync(spec.logFile, 'a');
    const readFrom = fstatSync(logFd).size;
    let child: ChildProcess;
    try {
      child = spawn(file!, [...fileArgs, ...args], { stdio: ['ignore', logFd, 'pipe'] });
    } finally {
      closeSync(logFd);
    }
    livingChildren.add(child);
    if (child.pid !== undefined) leftovers.nodeStarted(spec.name, child.pid, [file!, ...fileArgs, ...args]);
    const starting = startingChildren.get(owner) ?? new Set<ChildProcess>();
    startingChildren.set(owner, starting.add(child));
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-4000);
    });
    const readiness = watchForReady(spec.logFile, readFrom);
    const listening = new Promise<number>((resolve, reject) => {
      // Your own node must say when it serves: the contract is spelled out for it.
      const contract = spec.program?.kind === 'command' ? ' (it must log JSON lines `listening` with its port, then `ready`, on stdout: docs/YOUR-NODE.md)' : '';
      const timer = setTimeout(() => reject(new Error(`node ${spec.name} did not report ready within ${START_TIMEOUT_MS} ms${contract}`)), START_TIMEOUT_MS);
      void readiness.ready.then((boundPort) => {
        clearTimeout(timer);
        resolve(boundPort);
      });
      // An executable that cannot be started at all (not found, not executable).
      child.once('error', (error) => {
        clearTimeout(timer);
        reject(new Error(`node ${spec.name}: cannot start ${[file, ...fileArgs].join(' ')}: ${error.message}`));
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        const fatal = fatalLine(spec.logFile, readFrom);
        reject(new Error(`node ${spec.name} exited (${signal ?? `code ${code}`}) before it was ready:${fatal ? ` ${fatal}` : ''}\n${stderr.trim()}`));
      });
    });
    try {
      const boundPort = await listening;
      starting.delete(child);
      return new ProcessNode(spec, dataDir, child, boundPort, owner, leftovers);
    } catch (error) {
      starting.delete(child);
      child.kill('SIGKILL');
      livingChildren.delete(child);
      throw error;
    } finally {
      readiness.stop();
    }
  }

  address(): Address {
    return { host: HOST, port: this.port };
  }

  peerAddress(): Address {
    return this.address();
  }

  async crash(): Promise<CrashedNode> {
    this.child.kill('SIGKILL');
    await this.exited;
    return new CrashedProcessNode(this.spec, this.dataDir, this.port, this.owner, this.leftovers);
  }

  async pause(): Promise<void> {
    this.child.kill('SIGSTOP');
    this.state = 'paused';
  }

  async resume(): Promise<void> {
    this.child.kill('SIGCONT');
    this.state = 'running';
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    if (this.state === 'paused') this.child.kill('SIGCONT');
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), STOP_GRACE_MS);
    await this.exited;
    clearTimeout(timer);
  }
}

class CrashedProcessNode implements CrashedNode {
  readonly state = 'crashed' as const;
  constructor(
    private readonly spec: NodeSpec,
    private readonly dataDir: string,
    private readonly port: number,
    private readonly owner: Set<ProcessNode>,
    private readonly leftovers: LeftoverNote,
  ) {}

  get name(): string {
    return this.spec.name;
  }

  async restart(): Promise<RunningNode> {
    return ProcessNode.spawn(this.spec, this.dataDir, this.port, this.owner, this.leftovers);
  }

  async remove(): Promise<void> {}
}

/** The command line that runs the node, before its arguments: chaoslab's node, with the user's modules, or theirs. */
async function executable(spec: NodeSpec): Promise<string[]> {
  const program = spec.program;
  if (!program) return [process.execPath, await bundle('node')];
  if (program.kind === 'modules') return [process.execPath, await nodeBundleWith(program.files)];
  if (program.kind === 'command') return program.command;
  throw new Error(`node ${spec.name}: an image (${program.image}) runs on the docker backend only; on the process backend give a command`);
}

/** How often the log file is read while a node starts, besides whenever the file system says it grew. */
const READY_POLL_MS = 50;

/**
 * Reads a starting node's log file from `offset` until its `ready` line, which follows `listening` (the bound
 * port) once every program serves: only then can the harness call them.
 */
function watchForReady(file: string, offset: number): { ready: Promise<number>; stop: () => void } {
  let position = offset;
  let partial = '';
  let boundPort: number | undefined;
  let done = false;
  let resolveReady!: (port: number) => void;
  const ready = new Promise<number>((resolve) => (resolveReady = resolve));
  const scan = () => {
    if (done) return;
    let text: string;
    try {
      const fd = openSync(file, 'r');
      try {
        const size = fstatSync(fd).size;
        if (size <= position) return;
        const buffer = Buffer.alloc(size - position);
        position += readSync(fd, buffer, 0, buffer.length, position);
        text = buffer.toString('utf8');
      } finally {
        closeSync(fd);
      }
    } catch {
      return; // read again at the next change or poll
    }
    const lines = (partial + text).split('\n');
    partial = lines.pop()!;
    for (const line of lines) {
      const event = parseLogLine(line);
      if (event?.event === 'listening' && typeof event.port === 'number') boundPort = event.port;
      if (event?.event === 'ready' && boundPort !== undefined) {
        done = true;
        resolveReady(boundPort);
        return;
      }
    }
  };
  let watcher: FSWatcher | undefined;
  try {
    watcher = watch(file, scan);
    watcher.on('error', () => {}); // the poll below still reads it
  } catch {
    // no file-system notifications here: the poll alone
  }
  const poll = setInterval(scan, READY_POLL_MS);
  scan();
  return {
    ready,
    stop: () => {
      done = true;
      watcher?.close();
      clearInterval(poll);
    },
  };
}

function parseLogLine(line: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(line);
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
