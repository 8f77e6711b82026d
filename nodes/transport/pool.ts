import type { Address } from '../config.ts';
import type { Env } from '../env/index.ts';
import { NotSent } from '../errors.ts';
import type { FrameDrop } from './connection.ts';
import { OutboundConnection, type Hello } from './outbound.ts';

// At most one outbound connection per destination node, opened on first use and again after it closes.
// Requests that arrive while it is connecting wait for the same attempt.

export interface PoolOptions {
  env: Pick<Env, 'net' | 'clock'>;
  hello: () => Hello;
  maxFrameBytes: number;
  resolve: (node: string) => Promise<Address>;
  onConnect(node: string, address: Address): void;
  onDisconnect(node: string): void;
  onDrop(node: string, reason: FrameDrop, detail: string): void;
}

export class ConnectionPool {
  private connections = new Map<string, Promise<OutboundConnection>>();
  private closed = false;

  constructor(private readonly options: PoolOptions) {}

  /** The open connection to `node`, connecting if needed. Rejects NotSent when it cannot be resolved or reached. */
  async get(node: string): Promise<OutboundConnection> {
    if (this.closed) throw new NotSent('node is stopping');
    const existing = this.connections.get(node);
    if (existing) {
      const connection = await existing.catch(() => undefined);
      if (connection?.isOpen) return connection;
      if (this.connections.get(node) === existing) this.connections.delete(node);
      return this.get(node);
    }
    const opening = this.open(node);
    this.connections.set(node, opening);
    opening.catch(() => {
      if (this.connections.get(node) === opening) this.connections.delete(node);
    });
    return opening;
  }

  /** Destroy every connection (stop): their pending requests fail with ConnectionLost. */
  destroyAll(): void {
    this.closed = true;
    for (const opening of this.connections.values()) void opening.then((c) => c.destroy(), () => {});
    this.connections.clear();
  }

  private async open(node: string): Promise<OutboundConnection> {
    const address = await this.options.resolve(node).catch((error) => {
      throw error instanceof NotSent ? error : new NotSent(`cannot resolve node '${node}': ${error instanceof Error ? error.message : String(error)}`);
    });
    let connection: OutboundConnection | undefined;
    connection = await OutboundConnection.open(address, {
      env: this.options.env,
      hello: this.options.hello(),
      maxFrameBytes: this.options.maxFrameBytes,
      onDrop: (reason, detail) => this.options.onDrop(node, reason, detail),
      onClose: () => {
        const current = this.connections.get(node);
        void current?.then((c) => c === connection && this.connections.get(node) === current && this.connections.delete(node), () => {});
        this.options.onDisconnect(node);
      },
    });
    if (this.closed) {
      connection.destroy();
      throw new NotSent('node is stopping');
    }
    this.options.onConnect(node, address);
    return connection;
  }
}
