import type { Proxies } from '../proxies.ts';
import { toxicKinds } from '../toxics/index.ts';
import { parseJson, parseProxies, parseProxy, parseProxyChange, parseToxic, parseToxicChange } from './parse.ts';
import { renderProxy, renderToxic } from './render.ts';

/** What a handler answers: a status and, unless 204, a JSON body. The server turns it into bytes and headers. */
export interface Answer {
  status: number;
  body?: unknown;
}

export interface ApiRequest {
  params: Record<string, string>;
  body: string;
}

export interface Route {
  pattern: RegExp;
  params: string[];
  methods: Record<string, (request: ApiRequest) => Promise<Answer> | Answer>;
}

/** The version a real Toxiproxy of the recorded contract reports; clients may gate features on it. */
export const TOXIPROXY_VERSION = '2.12.0';

const ok = (body: unknown): Answer => ({ status: 200, body });
const noContent: Answer = { status: 204 };

function route(path: string, methods: Route['methods']): Route {
  const params: string[] = [];
  const source = path.replace(/\{(\w+)\}/g, (_, name: string) => {
    params.push(name);
    return '([^/]+)';
  });
  return { pattern: new RegExp(`^${source}$`), params, methods };
}

/** Toxiproxy's routes, each parsing its input, calling the core and rendering the result. */
export function routes(proxies: Proxies): Route[] {
  const toxicOf = (request: ApiRequest) => proxies.get(request.params.proxy!).toxic(request.params.toxic!);
  const updateProxy = async (request: ApiRequest) =>
    ok(renderProxy(await proxies.update(request.params.proxy!, parseProxyChange(parseJson(request.body)))));
  const updateToxic = (request: ApiRequest) => {
    const change = parseToxicChange(toxicOf(request).kind, parseJson(request.body));
    return ok(renderToxic(proxies.updateToxic(request.params.proxy!, request.params.toxic!, change)));
  };
  return [
    route('/reset', {
      POST: async () => {
        await proxies.reset();
        return noContent;
      },
    }),
    route('/version', { GET: () => ({ status: 200, body: TOXIPROXY_VERSION }) }),
    route('/proxies', {
      GET: () => ok(Object.fromEntries(proxies.list().map((p) => [p.name, renderProxy(p)]))),
      POST: async (request) => ({
        status: 201,
        body: renderProxy(await proxies.create(parseProxy(parseJson(request.body)))),
      }),
    }),
    route('/populate', {
      POST: async (request) => ({
        status: 201,
        body: { proxies: (await proxies.populate(parseProxies(parseJson(request.body)))).map(renderProxy) },
      }),
    }),
    route('/proxies/{proxy}', {
      GET: (request) => ok(renderProxy(proxies.get(request.params.proxy!))),
      POST: updateProxy,
      PATCH: updateProxy,
      DELETE: async (request) => {
        await proxies.remove(request.params.proxy!);
        return noContent;
      },
    }),
    route('/proxies/{proxy}/toxics', {
      GET: (request) => ok(proxies.get(request.params.proxy!).toxics.map(renderToxic)),
      POST: (request) => {
        proxies.get(request.params.proxy!);
        return ok(renderToxic(proxies.addToxic(request.params.proxy!, parseToxic(parseJson(request.body)))));
      },
    }),
    route('/proxies/{proxy}/toxics/{toxic}', {
      GET: (request) => ok(renderToxic(toxicOf(request))),
      POST: updateToxic,
      PATCH: updateToxic,
      DELETE: (request) => {
        proxies.removeToxic(request.params.proxy!, request.params.toxic!);
        return noContent;
      },
    }),
    // chaoslab's own (a real Toxiproxy answers 404): tells a client which toxic types this server knows.
    route('/chaoslab', {
      GET: () =>
        ok({
          server: 'chaoslab',
          seed: proxies.seed,
          toxics: [...toxicKinds.values()].map((kind) => ({ type: kind.type, frame_aware: kind.frameAware ?? false })),
        }),
    }),
    // chaoslab's own: POST starts recording every frame's passage (connections opened from then on); GET hands
    // over what was recorded since the last GET.
    route('/chaoslab/wire', {
      POST: () => {
        proxies.recordWire();
        return noContent;
      },
      GET: () => ok({ recording: proxies.wire !== undefined, ...(proxies.wire?.take() ?? { events: [], truncated: false }) }),
    }),
  ];
}
