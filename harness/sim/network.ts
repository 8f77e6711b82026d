import { EventEmitter } from 'node:events';
import type { Address, Listener, Net, Socket } from '../../nodes/env/index.ts';
import type { Random } from '../../nodes/random.ts';
import type { Scheduler } from './scheduler.ts';

// The simulated network: one address space of host:port, connections as pairs of sockets, bytes delivered in order
// after a seeded delay, ends and resets. Faults are not its business: the lab's proxies sit on the links, on this
// same network, and do to frames what they do on real TCP.

/** One-way delay of a segment: a base and a seeded jitter (loopback-like, in ms). */
const BASE_DELAY_MS = 0.05;
const JITTER_MS = 0.1;
/** Ports handed out for `listen(port 0)` and for the client side of connections. */
const FIRST_EPHEMERAL_PORT = 40_000;

class SimListener implements Listener {
  closed = false;
  constructor(
    readonly key: string,
    readonly port: number,
    readonly accept: (socket: Socket) => void,
    private readonly unbind: (listener: SimListener) => void,
  ) {}

  close(): Promise<void> {
    if (!this.closed) {
      this.closed = true;
      this.unbind(this);
    }
    return Promise.resolve();
  }
}

type Arrival = Buffer | 'connect' | 'end' | 'reset';

export class SimSocket extends EventEmitter implements Socket {
  destroyed = false;
  closed = false;
  remoteAddress: string | undefined;
  remotePort: number | undefined;
  peer: SimSocket | undefined;
  /** When the last segment sent on this side arrives: later ones never overtake it (TCP keeps order). */
  private lastArrival = 0;
  private ending = false;
  private connected = false;
  private paused = false;
  /** What arrived while paused: bytes, and the other side's end or reset. */
  private held: Arrival[] = [];

  constructor(
    private readonly network: SimNetwork,
    readonly host: string,
  ) {
    super();
  }

  write(data: Uint8Array): boolean {
    if (this.destroyed || this.ending || !this.peer) return false;
    const bytes = Buffer.from(data);
    const peer = this.peer;
    this.network.deliver(this, () => peer.receive(bytes));
    return true;
  }

  get readyState(): 'opening' | 'open' | 'closed' {
    return this.destroyed ? 'closed' : this.connected ? 'open' : 'opening';
  }

  end(done?: () => void): void {
    if (done) this.once('close', done);
    if (this.destroyed || this.ending) return;
    this.ending = true;
    const peer = this.peer;
    // The other side closes once what was written reached it; both sides are closed then (no half-open sockets).
    if (peer) this.network.deliver(this, () => peer.remoteClosed());
    else this.finish();
  }

  destroy(): void {
    if (this.destroyed) return;
    const peer = this.peer;
    if (peer && !this.ending) this.network.deliver(this, () => peer.remoteClosed());
    this.finish();
  }

  /** TCP RST: the other side gets ECONNRESET instead of an orderly end. */
  resetAndDestroy(): void {
    if (this.destroyed) return;
    const peer = this.peer;
    if (peer) this.network.deliver(this, () => peer.arrive('reset'));
    this.finish();
  }

  pause(): this {
    this.paused = true;
    return this;
  }

  resume(): this {
    if (!this.paused) return this;
    this.paused = false;
    // Like a stream: what was held flows on after the current work.
    queueMicrotask(() => {
      while (!this.paused && this.held.length > 0) this.handle(this.held.shift()!);
    });
    return this;
  }

  isPaused(): boolean {
    return this.paused;
  }

  /** The connection is established (both sides). */
  markConnected(): void {
    this.connected = true;
  }

  cork(): void {}
  uncork(): void {}
  setNoDelay(): void {}

  /** When a segment sent now arrives. */
  arrival(delay: number, now: number): number {
    this.lastArrival = Math.max(this.lastArrival, now + delay);
    return this.lastArrival;
  }

  /** Connection refused or reset before it was established. */
  fail(error: Error): void {
    if (this.destroyed) return;
    this.emit('error', error);
    this.finish(true);
  }

  private receive(bytes: Buffer): void {
    this.arrive(bytes);
  }

  private remoteClosed(): void {
    this.arrive('end');
  }

  arrive(item: Arrival): void {
    if (this.destroyed) return;
    if (this.paused || this.held.length > 0) this.held.push(item);
    else this.handle(item);
  }

  private handle(item: Arrival): void {
    if (this.destroyed) return;
    if (item === 'connect') {
      this.emit('connect');
      return;
    }
    if (item === 'reset') {
      this.emit('error', Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }));
      this.finish(true);
      return;
    }
    if (item !== 'end') {
      this.emit('data', item);
      return;
    }
    // The other side ended or was destroyed: this side ends and closes too, and its own close travels back.
    this.emit('end');
    const peer = this.peer;
    this.finish();
    if (peer && !peer.destroyed) this.network.deliver(this, () => peer.remoteClosed());
  }

  private finish(hadError = false): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.closed = true;
    this.held = [];
    this.network.forget(this);
    // Like Node's sockets: 'close' comes after the current work, never in the middle of a write.
    queueMicrotask(() => this.emit('close', hadError));
  }
}

export class SimNetwork {
  private readonly listeners = new Map<string, SimListener>();
  private readonly open = new Map<string, Set<SimSocket>>();
  private nextPort = FIRST_EPHEMERAL_PORT;

  constructor(
    private readonly scheduler: Scheduler,
    private readonly random: Random,
  ) {}

  /** The network as seen from `host`: what it listens on and connects to is its own, for a crash to take. */
  view(host: string): NetView {
    return new NetView(this, host);
  }

  bind(address: Address, accept: (socket: Socket) => void, owner: NetView): Promise<SimListener> {
    const port = address.port === 0 ? this.nextPort++ : address.port;
    const key = `${address.host}:${port}`;
    if (this.listeners.has(key)) {
      const error = Object.assign(new Error(`listen EADDRINUSE: address already in use ${key}`), { code: 'EADDRINUSE' });
      return Promise.reject(error);
    }
    const listener = new SimListener(key, port, accept, (l) => {
      if (this.listeners.get(l.key) === l) this.listeners.delete(l.key);
      owner.listeners.delete(l);
    });
    this.listeners.set(key, listener);
    owner.listeners.add(listener);
    return Promise.resolve(listener);
  }

  connect(host: string, address: Address, owner: NetView): SimSocket {
    const client = new SimSocket(this, host);
    client.remoteAddress = address.host;
    client.remotePort = address.port;
    this.track(host, client);
    owner.sockets.add(client);
    const key = `${address.host}:${address.port}`;
    // The SYN travels, the listener (if any) accepts, the SYN-ACK travels back.
    this.scheduler.after(this.delay(), () => {
      const listener = this.listeners.get(key);
      if (client.destroyed) return;
      if (!listener || listener.closed) {
        this.scheduler.after(this.delay(), () => client.fail(Object.assign(new Error(`connect ECONNREFUSED ${key}`), { code: 'ECONNREFUSED' })));
        return;
      }
      const server = new SimSocket(this, address.host);
      server.remoteAddress = host;
      server.remotePort = this.nextPort++;
      server.peer = client;
      client.peer = server;
      this.track(address.host, server);
      server.markConnected();
      listener.accept(server);
      this.scheduler.after(this.delay(), () => {
        if (client.destroyed) return;
        client.markConnected();
        client.arrive('connect');
      });
    });
    return client;
  }

  /** Run `arrive` when a segment `from` sends now reaches the other side, in order with its earlier ones. */
  deliver(from: SimSocket, arrive: () => void): void {
    const at = from.arrival(this.delay(), this.scheduler.now);
    this.scheduler.after(at - this.scheduler.now, arrive);
  }

  forget(socket: SimSocket): void {
    this.open.get(socket.host)?.delete(socket);
  }

  /** Sockets open on `host` (for tests and for a crash). */
  socketsOf(host: string): SimSocket[] {
    return [...(this.open.get(host) ?? [])];
  }

  private track(host: string, socket: SimSocket): void {
    let sockets = this.open.get(host);
    if (!sockets) this.open.set(host, (sockets = new Set()));
    sockets.add(socket);
  }

  private delay(): number {
    return BASE_DELAY_MS + this.random() * JITTER_MS;
  }
}

/** One node's (or the harness's) use of the network: a crash closes its listeners and resets its connections. */
export class NetView implements Net {
  readonly listeners = new Set<SimListener>();
  readonly sockets = new Set<SimSocket>();
  private dead = false;
  /** While frozen, what the kernel would accept and receive for the process waits (its sockets are paused). */
  private frozen: (() => void)[] | undefined;

  constructor(
    private readonly network: SimNetwork,
    readonly host: string,
  ) {}

  listen(address: Address, onConnection: (socket: Socket) => void): Promise<Listener> {
    if (this.dead) return new Promise(() => {});
    return this.network.bind(address, (socket) => {
      if (this.dead) return void socket.destroy();
      this.sockets.add(socket as SimSocket);
      if (this.frozen) {
        (socket as SimSocket).pause();
        this.frozen.push(() => onConnection(socket));
      } else onConnection(socket);
    }, this);
  }

  connect(address: Address): Socket {
    const socket = this.network.connect(this.host, address, this);
    if (this.dead) socket.destroy();
    else if (this.frozen) socket.pause();
    return socket;
  }

  /** The process is stopped: its sockets hold what arrives (the kernel buffers it), its listener's accepts wait. */
  freeze(): void {
    this.frozen ??= [];
    for (const socket of this.sockets) socket.pause();
  }

  thaw(): void {
    const accepts = this.frozen ?? [];
    this.frozen = undefined;
    for (const socket of this.sockets) socket.resume();
    for (const accept of accepts) accept();
  }

  /** Everything this view holds goes: listeners close, connections reset (the peers see them close). */
  stop(): void {
    this.dead = true;
    for (const listener of [...this.listeners]) void listener.close();
    for (const socket of [...this.sockets]) {
      socket.removeAllListeners();
      socket.destroy();
    }
    this.sockets.clear();
  }
}
