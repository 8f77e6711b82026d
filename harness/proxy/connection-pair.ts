import type { Socket } from 'node:net';
import type { ProxyWorld } from './world.ts';
import { ToxicChain, type ToxicSetting } from './chain.ts';
import { labelledRandom } from '../random.ts';
import type { StreamDirection } from './toxic.ts';
import { WireTap, type WireLog } from './wire-log.ts';

const CLOSE_GRACE_MS = 1000;

export interface ConnectionPairOptions {
  proxyName: string;
  /** The `number`-th connection this proxy accepted (from 0): with the seed, it keys this pair's random draws. */
  number: number;
  seed: number;
  upstream: { host: string; port: number };
  world: ProxyWorld;
  /** The proxy's toxics at the moment the upstream connection is made. */
  toxics(): readonly (ToxicSetting & { stream: StreamDirection })[];
  onClosed(pair: ConnectionPair): void;
  /** Where each frame's passage is recorded, when the server keeps a wire log. */
  wire?: WireLog;
}

/**
 * One client connection and the connection the proxy opened for it to the upstream: two toxic chains,
 * `upstream` (client to server) and `downstream` (server to client). When either side fails, both close.
 */
export class ConnectionPair {
  private readonly server: Socket;
  private chains: Record<StreamDirection, ToxicChain> | undefined;
  private closing = false;
  private openSockets = 2;

  constructor(
    private readonly client: Socket,
    private readonly options: ConnectionPairOptions,
  ) {
    client.setNoDelay(true);
    this.server = options.world.connect(options.upstream);
    for (const socket of [client, this.server]) {
      socket.on('error', () => this.destroy());
      socket.on('close', (hadError) => this.onSocketClosed(hadError));
    }
    this.server.once('connect', () => this.connected());
  }

  addToxic(setting: ToxicSetting, stream: StreamDirection): void {
    this.chains?.[stream].add(setting);
  }

  updateToxic(setting: ToxicSetting, stream: StreamDirection): void {
    this.chains?.[stream].update(setting);
  }

  removeToxic(setting: ToxicSetting, stream: StreamDirection): void {
    this.chains?.[stream].remove(setting);
  }

  /** Orderly close of both sockets (FIN), dropping what toxics still hold. */
  close(): void {
    if (this.closing) return;
    this.closing = true;
    this.chains?.upstream.dispose();
    this.chains?.downstream.dispose();
    for (const socket of [this.client, this.server]) {
      if (socket.destroyed) continue;
      socket.end(() => socket.destroy());
      // A peer that stops reading must not keep a closed pair alive.
      const { clock } = this.options.world;
      const timer = clock.setTimeout(() => socket.destroy(), CLOSE_GRACE_MS);
      socket.once('close', () => clock.clearTimeout(timer));
    }
  }

  /** TCP RST on both sockets, as a crashed peer would. */
  reset(): void {
    this.closing = true;
    this.chains?.upstream.dispose();
    this.chains?.downstream.dispose();
    for (const socket of [this.client, this.server]) {
      if (socket.destroyed) continue;
      if (socket.readyState === 'open' || socket.readyState === 'readOnly' || socket.readyState === 'writeOnly') {
        socket.resetAndDestroy();
      } else {
        socket.destroy();
      }
    }
  }

  destroy(): void {
    this.closing = true;
    this.chains?.upstream.dispose();
    this.chains?.downstream.dispose();
    this.client.destroy();
    this.server.destroy();
  }

  private connected(): void {
    if (this.closing) return;
    const control = (stream: StreamDirection) => ({
      clock: this.options.world.clock,
      close: () => this.close(),
      reset: () => this.reset(),
      random: (toxic: string, purpose: string) =>
        labelledRandom(this.options.seed, this.options.proxyName, toxic, stream, this.options.number, purpose),
    });
    const { wire, proxyName, number } = this.options;
    const tap = (stream: StreamDirection) => (wire ? new WireTap(wire, { proxy: proxyName, stream, connection: number }) : undefined);
    this.chains = {
      upstream: new ToxicChain(this.client, this.server, control('upstream'), tap('upstream')),
      downstream: new ToxicChain(this.server, this.client, control('downstream'), tap('downstream')),
    };
    for (const toxic of this.options.toxics()) this.chains[toxic.stream].add(toxic);
    this.client.resume();
  }

  private onSocketClosed(hadError: boolean): void {
    // An orderly close of one side follows the ends that already passed both ways; a failed side takes the other.
    if (hadError) this.destroy();
    if (--this.openSockets === 0) this.options.onClosed(this);
  }
}
