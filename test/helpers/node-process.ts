import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { bundle } from '../../harness/bundles.ts';

// Start real node processes (`chaoslab node ...`) for tests, read their JSON log lines, and make sure every one
// of them is killed: call stopAllNodes() in afterEach/afterAll.

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

export interface LogLine {
  ts: number;
  node: string;
  event: string;
  [field: string]: unknown;
}

export interface NodeSpec {
  id: string;
  /** Default 0: any free port (the bound port is read from the `listening` line). */
  port?: number;
  data?: string;
  programs?: string[];
  peers?: Record<string, { host?: string; port: number }>;
  /** Merged into --config-json (options, semantics, retransmit, ...). */
  config?: Record<string, unknown>;
  /** Extra command-line arguments. */
  args?: string[];
  /** How long to wait for `listening`. */
  startTimeoutMs?: number;
}

type LinePredicate = (line: LogLine) => boolean;

export class NodeProcess {
  readonly lines: LogLine[] = [];
  /** stdout lines that were not JSON, and stderr: shown when something goes wrong. */
  readonly noise: string[] = [];
  port = 0;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private watchers = new Set<{ predicate: LinePredicate; resolve: (line: LogLine) => void }>();

  constructor(
    readonly id: string,
    readonly child: ChildProcess,
  ) {
    this.exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
    createInterface({ input: child.stdout! }).on('line', (text) => this.onLine(text));
    createInterface({ input: child.stderr! }).on('line', (text) => this.noise.push(text));
  }

  get pid(): number {
    return this.child.pid!;
  }

  get address(): { host: string; port: number } {
    return { host: '127.0.0.1', port: this.port };
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Lines of one event (optionally filtered). */
  events(event: string, predicate: LinePredicate = () => true): LogLine[] {
    return this.lines.filter((line) => line.event === event && predicate(line));
  }

  /** The first log line (already seen or yet to come) matching; rejects after `timeoutMs` or if the node exits. */
  waitFor(match: string | LinePredicate, timeoutMs = 10_000): Promise<LogLine> {
    const predicate = typeof match === 'string' ? (line: LogLine) => line.event === match : match;
    const seen = this.lines.find(predicate);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const watcher = {
        predicate,
        resolve: (line: LogLine) => {
          clearTimeout(timer);
          resolve(line);
        },
      };
      const timer = setTimeout(() => {
        this.watchers.delete(watcher);
        reject(new Error(`node ${this.id}: no log line matching ${String(match)} within ${timeoutMs} ms\n${this.tail()}`));
      }, timeoutMs);
      this.watchers.add(watcher);
      void this.exited.then(({ code, signal }) => {
        if (!this.watchers.has(watcher)) return;
        this.watchers.delete(watcher);
        clearTimeout(timer);
        reject(new Error(`node ${this.id} exited (code ${code}, signal ${signal}) before a line matching ${String(match)}\n${this.tail()}`));
      });
    });
  }

  /**
   * Resolves once `count` log lines match, seen or yet to come. A node's log line can reach the test after the
   * answer the node sent in the same turn, so an assertion about what a node logged waits for it.
   */
  async waitForCount(match: string | LinePredicate, count: number, timeoutMs = 10_000): Promise<void> {
    const predicate = typeof match === 'string' ? (line: LogLine) => line.event === match : match;
    let matched = 0;
    await this.waitFor((line) => predicate(line) && ++matched >= count, timeoutMs);
  }

  /** SIGTERM and wait for exit (SIGKILL after `graceMs`). */
  async stop(graceMs = 5_000): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    if (this.running) {
      this.child.kill('SIGTERM');
      const timer = setTimeout(() => this.running && this.child.kill('SIGKILL'), graceMs);
      const result = await this.exited;
      clearTimeout(timer);
      return result;
    }
    return this.exited;
  }

  /** SIGKILL: a crash, nothing flushed. */
  async kill(): Promise<void> {
    if (this.running) this.child.kill('SIGKILL');
    await this.exited;
  }

  tail(lines = 20): string {
    return [...this.lines.slice(-lines).map((l) => JSON.stringify(l)), ...this.noise.slice(-lines)].join('\n');
  }

  private onLine(text: string): void {
    let line: LogLine;
    try {
      line = JSON.parse(text) as LogLine;
    } catch {
      this.noise.push(text);
      return;
    }
    this.lines.push(line);
    for (const watcher of [...this.watchers]) {
      if (watcher.predicate(line)) {
        this.watchers.delete(watcher);
        watcher.resolve(line);
      }
    }
  }
}

const spawned = new Set<NodeProcess>();

/** `chaoslab node` with a spec's flags, through the CLI as a person runs it. */
export function nodeArgs(spec: NodeSpec): string[] {
  return ['harness/cli/bin.mjs', 'node', ...nodeFlags(spec)];
}

function nodeFlags(spec: NodeSpec): string[] {
  const args = ['--id', spec.id, '--port', String(spec.port ?? 0)];
  if (spec.data) args.push('--data', spec.data);
  for (const program of spec.programs ?? []) args.push('--program', program);
  for (const [name, address] of Object.entries(spec.peers ?? {})) args.push('--peer', `${name}=${address.host ?? '127.0.0.1'}:${address.port}`);
  if (spec.config) args.push('--config-json', JSON.stringify(spec.config));
  args.push(...(spec.args ?? []));
  return args;
}

/**
 * Spawn the node program, bundled as the process backend runs it, and wait until it is ready: `listening` gives
 * the bound port, `ready` says its programs have started (their handlers are registered).
 */
export async function startNode(spec: NodeSpec): Promise<NodeProcess> {
  const child = spawn(process.execPath, [await bundle('node'), ...nodeFlags(spec)], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  const node = new NodeProcess(spec.id, child);
  spawned.add(node);
  void node.exited.then(() => spawned.delete(node));
  try {
    const listening = await node.waitFor('listening', spec.startTimeoutMs ?? 20_000);
    node.port = listening.port as number;
    await node.waitFor('ready', spec.startTimeoutMs ?? 20_000);
  } catch (error) {
    await node.kill(); // a node that did not start in time is nobody's to stop later
    throw error;
  }
  return node;
}

/** Kill every node this test file started (SIGKILL: tests want them gone, not graceful). */
export async function stopAllNodes(): Promise<void> {
  await Promise.all([...spawned].map((node) => node.kill()));
}
