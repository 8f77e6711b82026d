import { once } from 'node:events';
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { Toxiproxy, type ICreateToxicBody, type Proxy, type Toxic } from 'toxiproxy-node-client';
import { startProxyServer, type RunningProxyServer } from '../../harness/proxy/server.ts';
import type { Attributes, StreamDirection } from '../../harness/proxy/toxic.ts';
import { sleep, waitFor } from '../helpers/wait.ts';

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

  /**
   * A proxy in front of an echo upstream, clients that collect what comes back through it, and control clients:
   * through a sibling proxy to the same upstream that never gets a toxic, so that a test asserting that bytes did
   * *not* come back can first see a control's bytes come back on the same server in the same wait.
   */
  async echoThroughProxy(options: { name?: string; seed?: number } = {}): Promise<EchoThroughProxy> {
    const toxiproxy = (await this.proxyServer(options.seed)).client;
    const upstream = await this.echo();
    const name = options.name ?? 'echo';
    const proxy = await toxiproxy.createProxy({ name, listen: '127.0.0.1:0', upstream: `127.0.0.1:${upstream}` });
    const control = await toxiproxy.createProxy({ name: `${name}_control`, listen: '127.0.0.1:0', upstream: `127.0.0.1:${upstream}` });
    return {
      toxiproxy,
      proxy,
      connect: async () => new Received(await this.connect(portOf(proxy.listen))),
      control: async () => new Received(await this.connect(portOf(control.listen))),
    };
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

export interface EchoThroughProxy {
  toxiproxy: Toxiproxy;
  proxy: Proxy;
  connect(): Promise<Received>;
  /** A client of the toxic-free sibling proxy: the positive control of an absence. */
  control(): Promise<Received>;
}

/**
 * A toxic as the Toxiproxy API takes it: every field but `type` optional (the server fills the defaults), and any
 * type the server knows, chaoslab's frame toxics included. The client's own body type wants every field and knows
 * only Toxiproxy's types, so this is the one place that converts.
 */
export interface ToxicSpec {
  type: string;
  name?: string;
  stream?: StreamDirection;
  toxicity?: number;
  attributes?: Attributes;
}

export function addToxic(proxy: Proxy, spec: ToxicSpec): Promise<Toxic<Attributes>> {
  return proxy.addToxic(spec as ICreateToxicBody<Attributes>);
}

/** Change part of a toxic (its toxicity, its attributes): the API keeps what the body leaves out. */
export function updateToxic(toxic: Toxic<Attributes>, change: { toxicity?: number; attributes?: Attributes }): Promise<Toxic<Attributes>> {
  return toxic.update(change as ICreateToxicBody<Attributes>);
}

type ProxyChange = Parameters<Proxy['update']>[0];

/** Change part of a proxy (enable or disable it ...): the API keeps what the body leaves out. */
export function updateProxy(proxy: Proxy, change: Partial<ProxyChange>): Promise<Proxy> {
  return proxy.update(change as ProxyChange);
}

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
    if (!(await waitFor(() => this.bytes.length >= length, { timeoutMs, everyMs: 5 }))) throw new Error(`received ${this.bytes.length} of ${length} bytes`);
    return this.bytes;
  }

  /** Resolves true when the socket closed within the time, false otherwise. */
  async closedWithin(ms: number): Promise<boolean> {
    return Promise.race([this.closed.then(() => true), sleep(ms).then(() => false)]);
  }
}
