import type { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { STATUS } from '../proxy/api/server.ts';
import { routes } from '../proxy/api/routes.ts';
import { ProxyError } from '../proxy/errors.ts';
import { Proxies } from '../proxy/proxies.ts';
import type { ProxyWorld } from '../proxy/world.ts';
import type { SimWorld } from './env.ts';

// chaoslab's own proxy, unchanged, on the simulated network and virtual time: every toxic works as it does on
// real TCP, frame toxics included. Its API is answered in process (a fetch that calls the routes), so that no
// request of the lab leaves the simulation.

export const SIM_PROXY_HOST = 'proxy';

export function simProxy(world: SimWorld, seed: number): { proxies: Proxies; fetch: typeof fetch; stop(): void } {
  const host = world.host(SIM_PROXY_HOST);
  const net = host.env.net;
  const proxyWorld: ProxyWorld = {
    listen: async (address, accept) => {
      const listener = await net.listen(address, (socket) => {
        // As with pauseOnConnect: nothing is read before the connection's pair is ready.
        (socket as unknown as Socket).pause();
        accept(socket as unknown as Socket);
      });
      return { address: { address: address.host, port: listener.port }, close: () => listener.close() };
    },
    connect: (address) => net.connect(address) as unknown as Socket,
    clock: host.env.clock,
    // The history's clock counts from the same virtual zero (harness/sim/backend.ts's monotonic).
    wireNow: () => performance.timeOrigin + world.scheduler.now,
  };
  const proxies = new Proxies({ seed, world: proxyWorld });
  const table = routes(proxies);
  const answer = async (url: string, init: RequestInit = {}): Promise<Response> => {
    const path = new URL(url).pathname;
    for (const route of table) {
      const match = route.pattern.exec(path);
      if (!match) continue;
      const handler = route.methods[init.method ?? 'GET'];
      if (!handler) return new Response(null, { status: 405 });
      const params = Object.fromEntries(route.params.map((name, i) => [name, decodeURIComponent(match[i + 1]!)]));
      try {
        const result = await handler({ params, body: typeof init.body === 'string' ? init.body : '' });
        return result.status === 204 ? new Response(null, { status: 204 }) : Response.json(result.body, { status: result.status });
      } catch (error) {
        const status = error instanceof ProxyError ? STATUS[error.kind] : 500;
        return Response.json({ error: error instanceof Error ? error.message : String(error), status }, { status });
      }
    }
    return new Response('404 page not found\n', { status: 404 });
  };
  return {
    proxies,
    fetch: ((input: string | URL | Request, init?: RequestInit) => answer(String(input), init)) as typeof fetch,
    stop: () => host.crash(),
  };
}
