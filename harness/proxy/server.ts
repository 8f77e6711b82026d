import type { AddressInfo } from 'node:net';
import { createApiServer } from './api/server.ts';
import { parseProxies } from './api/parse.ts';
import { formatAddress } from './address.ts';
import { Proxies } from './proxies.ts';

export interface ProxyServerOptions {
  /** Default 127.0.0.1: the API controls faults, so it stays on loopback unless asked otherwise. */
  host?: string;
  /** Default 0 (a free port); Toxiproxy's usual port is 8474. */
  port?: number;
  /** Keys every random draw; default a random seed (read it back from `seed`). */
  seed?: number;
  /** Proxies to create at start, in the /populate JSON format (an array of {name, listen, upstream, enabled}). */
  populate?: unknown;
}

export interface RunningProxyServer {
  /** The API's base URL, e.g. http://127.0.0.1:8474, for toxiproxy-node-client. */
  readonly url: string;
  readonly port: number;
  readonly seed: number;
  readonly proxies: Proxies;
  /** Stops the API and every proxy, closing their connections. */
  close(): Promise<void>;
}

/** chaoslab's Toxiproxy-compatible server, in this process. */
export async function startProxyServer(options: ProxyServerOptions = {}): Promise<RunningProxyServer> {
  const proxies = new Proxies({ seed: options.seed });
  const api = createApiServer(proxies);
  try {
    // A populate that stops at a bad proxy keeps the ones before it: close them with the rest.
    if (options.populate !== undefined) await proxies.populate(parseProxies(options.populate));
    await new Promise<void>((resolve, reject) => {
      api.once('error', reject);
      api.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
    });
  } catch (error) {
    await proxies.close();
    throw error;
  }
  const bound = api.address() as AddressInfo;
  return {
    url: `http://${formatAddress(bound.address, bound.port)}`,
    port: bound.port,
    seed: proxies.seed,
    proxies,
    async close() {
      const stopped = new Promise<void>((resolve) => api.close(() => resolve()));
      api.closeAllConnections();
      await proxies.close();
      await stopped;
    },
  };
}
