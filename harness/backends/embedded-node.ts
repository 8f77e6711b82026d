import { createWriteStream } from 'node:fs';
import type { Address, CrashedNode, NodeSpec, RunningNode, ServiceNodeConfig } from './backend.ts';
import { setLogSink } from '../../nodes/log.ts';
import { Node } from '../../nodes/node.ts';
import { startPrograms } from '../../nodes/programs/index.ts';
// The one program an embedded node runs, registered up front so that starting it loads no other program.
import '../../nodes/programs/name-service.ts';

/**
 * A node run inside the harness process instead of a process of its own: for the lab's name service, which is
 * never faulted, this saves one node start (the slowest step of a lab on a busy machine) per scenario.
 * Its log lines go to its log file; it cannot be crashed or paused, which the nemesis never asks of it.
 */
export async function startEmbeddedNode(spec: NodeSpec, { programs, lab }: ServiceNodeConfig, host: string, port: number): Promise<RunningNode> {
  const log = createWriteStream(spec.logFile, { flags: 'a' });
  log.on('error', () => {}); // a log line lost is not worth a crashed harness
  setLogSink((text) => log.write(text));
  const node = await Node.start({ id: spec.name, host, port, lab });
  await startPrograms(node, programs);
  return new EmbeddedNode(spec.name, node, () => {
    // Node code in the harness logs nowhere once its node is gone: stdout belongs to `run --json`.
    setLogSink(() => {});
    return new Promise<void>((resolve) => log.end(resolve));
  });
}

class EmbeddedNode implements RunningNode {
  readonly state = 'running' as const;
  private stopped = false;

  constructor(
    readonly name: string,
    private readonly node: Node,
    private readonly closeLog: () => Promise<void>,
  ) {}

  address(): Address {
    return { host: this.node.config.host, port: this.node.port };
  }

  peerAddress(): Address {
    return this.address();
  }

  crash(): Promise<CrashedNode> {
    return Promise.reject(new Error(`${this.name} runs inside the harness and cannot be crashed`));
  }

  pause(): Promise<void> {
    return Promise.reject(new Error(`${this.name} runs inside the harness and cannot be paused`));
  }

  resume(): Promise<void> {
    return Promise.resolve();
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    await this.node.stop();
    await this.closeLog();
  }
}
