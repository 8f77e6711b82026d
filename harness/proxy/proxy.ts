import type { Socket } from 'node:net';
import type { ProxyListener, ProxyWorld } from './world.ts';
import type { ToxicSetting } from './chain.ts';
import { ProxyError, toxicAlreadyExists, toxicNotFound } from './errors.ts';
import { ConnectionPair } from './connection-pair.ts';
import type { Attributes, StreamDirection, ToxicKind } from './toxic.ts';
import { formatAddress, parseAddress } from './address.ts';
import type { WireLog } from './wire-log.ts';

export interface Toxic extends ToxicSetting {
  readonly stream: StreamDirection;
}

export interface ToxicSpec {
  name: string;
  kind: ToxicKind;
  stream: StreamDirection;
  toxicity: number;
  attributes: Attributes;
}

/**
 * One proxy: listens on `listen`, and for each connection it accepts opens one to `upstream` and pipes both
 * ways through the proxy's toxics. Disabled, it neither listens nor keeps connections (the cut wire).
 */
export class Proxy {
  listen: string;
  upstream: string;
  private server: ProxyListener | undefined;
  private readonly pairs = new Set<ConnectionPair>();
  private toxicList: Toxic[] = [];
  private accepted = 0;
  private changing: Promise<void> = Promise.resolve();

  constructor(
    readonly name: string,
    listen: string,
    upstream: string,
    private readonly seed: number,
    private readonly world: ProxyWorld,
    /** The server's wire log, if it keeps one (read when a connection opens). */
    private readonly wire: () => WireLog | undefined = () => undefined,
  ) {
    this.listen = listen;
    this.upstream = upstream;
  }

  get enabled(): boolean {
    return this.server !== undefined;
  }

  /** Upstream toxics first, then downstream, each in the order added (as Toxiproxy lists them). */
  get toxics(): readonly Toxic[] {
    return [...this.toxicList.filter((t) => t.stream === 'upstream'), ...this.toxicList.filter((t) => t.stream === 'downstream')];
  }

  /** Starts and stops run one at a time, so that concurrent API calls never bind twice. */
  start(): Promise<void> {
    return this.inTurn(() => this.listenNow());
  }

  stop(): Promise<void> {
    return this.inTurn(() => this.stopNow());
  }

  private inTurn(change: () => Promise<void>): Promise<void> {
    const next = this.changing.then(change);
    this.changing = next.catch(() => {});
    return next;
  }

  private async listenNow(): Promise<void> {
    if (this.server) return;
    const { host, port } = parseAddress(this.listen, 'listen');
    const server = await this.world.listen({ host, port }, (socket) => this.accept(socket)).catch((error: NodeJS.ErrnoException) => {
      throw listenError(this.listen, error);
    });
    this.listen = formatAddress(server.address.address, server.address.port);
    this.server = server;
  }

  private async stopNow(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    const closed = server.close();
    for (const pair of this.pairs) pair.destroy();
    this.pairs.clear();
    await closed;
  }

  toxic(name: string): Toxic {
    const toxic = this.toxicList.find((t) => t.name === name);
    if (!toxic) throw toxicNotFound();
    return toxic;
  }

  addToxic(spec: ToxicSpec): Toxic {
    if (this.toxicList.some((t) => t.name === spec.name)) throw toxicAlreadyExists();
    const toxic: Toxic = { ...spec };
    this.toxicList.push(toxic);
    for (const pair of this.pairs) pair.addToxic(toxic, toxic.stream);
    return toxic;
  }

  updateToxic(name: string, change: { toxicity?: number; attributes?: Attributes }): Toxic {
    const toxic = this.toxic(name);
    if (change.attributes) toxic.attributes = { ...toxic.attributes, ...change.attributes };
    if (change.toxicity !== undefined) toxic.toxicity = change.toxicity;
    for (const pair of this.pairs) pair.updateToxic(toxic, toxic.stream);
    return toxic;
  }

  removeToxic(name: string): void {
    const toxic = this.toxic(name);
    this.toxicList = this.toxicList.filter((t) => t !== toxic);
    for (const pair of this.pairs) pair.removeToxic(toxic, toxic.stream);
  }

  removeAllToxics(): void {
    for (const toxic of [...this.toxicList]) this.removeToxic(toxic.name);
  }

  private accept(client: Socket): void {
    let upstream;
    try {
      upstream = parseAddress(this.upstream, 'upstream');
    } catch {
      client.destroy();
      return;
    }
    const pair = new ConnectionPair(client, {
      proxyName: this.name,
      number: this.accepted++,
      seed: this.seed,
      upstream,
      world: this.world,
      toxics: () => this.toxicList,
      onClosed: (closed) => this.pairs.delete(closed),
      wire: this.wire(),
    });
    this.pairs.add(pair);
  }
}

function listenError(listen: string, error: NodeJS.ErrnoException & { address?: string; port?: number }): ProxyError {
  // Toxiproxy reports the operating system's bind error as Go words it: naming the address bound, so a host name
  // appears as the address it resolved to (`localhost:P` as 127.0.0.1:P), and `:P` (all interfaces) as it is.
  const reason: Record<string, string> = {
    EADDRINUSE: 'bind: address already in use',
    EADDRNOTAVAIL: 'bind: cannot assign requested address',
    EACCES: 'bind: permission denied',
  };
  const bound = error.address === undefined || listen.startsWith(':') ? listen : formatAddress(error.address, error.port ?? 0);
  return new ProxyError('internal', `listen tcp ${bound}: ${reason[error.code ?? ''] ?? error.message}`);
}
