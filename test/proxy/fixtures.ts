import { once } from 'node:events';
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { Toxiproxy } from 'toxiproxy-node-client';
import { startProxyServer, type RunningProxyServer } from '../../harness/proxy/server.ts';

/** Everything a test opened, closed in afterEach whether the test passed or not. */
export class Fixtures {
  private readonly servers: Server[] = [];
  private readonly sockets: Socket[] = [];
  private readonly proxyServers: RunningProxyServer[] = [];

  async proxyServer(seed = 1): Promise<{ server: RunningProxyServer; client: Toxiproxy }> {
    const server = await startProxyServer({ seed });
    this.proxyServers.push(server);
    return { server, client: new Toxiproxy(server.url) };
  }

  /** An upstream that echoes every byte back. */
  echo(): Promise<number> {
    return this.listen((socket) => socket.pipe(socket));
  }

  /** An upstream that reads and keeps quiet. */
  sink(): Promise<number> {
    return this.listen((socket) => socket.resume());
  }

  async listen(handler: (socket: Socket) => void, port = 0): Promise<number> {
    const server = createServer(handler);
    server.on('connection', (socket) => {
      socket.on('error', () => {});
      this.sockets.push(socket);
    });
    this.servers.push(server);
    server.listen(port, '127.0.0.1');
    await once(server, 'listening');
    return (server.address() as AddressInfo).port;
  }

  async connect(port: number): Promise<Socket> {
    const socket = connect({ port, host: '127.0.0.1', noDelay: true });
    socket.on('error', () => {});
    this.sockets.push(socket);
    await once(socket, 'connect');
    return socket;
  }

  async close(): Promise<void> {
    for (const socket of this.sockets.splice(0)) socket.destroy();
    await Promise.all(this.proxyServers.splice(0).map((s) => s.close()));
    await Promise.all(this.servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
  }
}

export const portOf = (listen: string): number => Number(listen.split(':').at(-1));

/** Collects what a socket receives and how it ended. */
export class Received {
  readonly chunks: { at: number; bytes: Buffer }[] = [];
  ended: 'open' | 'end' | 'error' = 'open';
  error: NodeJS.ErrnoException | undefined;
  private readonly closed: Promise<void>;

  constructor(readonly socket: Socket) {
    socket.on('data', (bytes: Buffer) => this.chunks.push({ at: Date.now(), bytes }));
    socket.on('end', () => (this.ended = 'end'));
    socket.on('error', (error) => {
      this.ended = 'error';
      this.error = error;
    });
    this.closed = new Promise((resolve) => socket.once('close', () => resolve()));
  }

  get bytes(): Buffer {
    return Buffer.concat(this.chunks.map((c) => c.bytes));
  }

  async until(length: number, timeoutMs = 10_000): Promise<Buffer> {
    const deadline = Date.now() + timeoutMs;
    while (this.bytes.length < length) {
      if (Date.now() > deadline) throw new Error(`received ${this.bytes.length} of ${length} bytes`);
      await sleep(5);
    }
    return this.bytes;
  }

  /** Resolves true when the socket closed within the time, false otherwise. */
  async closedWithin(ms: number): Promise<boolean> {
    return Promise.race([this.closed.then(() => true), sleep(ms).then(() => false)]);
  }
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
