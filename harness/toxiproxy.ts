import { Toxiproxy } from 'toxiproxy-node-client';
import { startProxyServer } from './proxy/server.ts';
import { startProxyServerThread } from './proxy/thread.ts';

/**
 * Which Toxiproxy a run uses, decided here and nowhere else:
 * - `embedded` (default): chaoslab's own server, started in this process (a worker thread by default) on
 *   127.0.0.1 and a free port;
 * - `external`: a running Toxiproxy at `url`, or at CHAOSLAB_TOXIPROXY_URL;
 * - `container`: a Toxiproxy container the docker backend started (it passes the container's API URL).
 * All are driven only through toxiproxy-node-client, so a run against the real Toxiproxy takes the same path.
 */
export type ToxiproxyChoice =
  | {
      kind: 'embedded';
      seed?: number;
      host?: string;
      port?: number;
      /**
       * `worker` (default): a worker thread of this process, with its own event loop and heap, so that the
       * harness's work does not delay forwarded bytes and its module graph does not slow forwarding down;
       * `main`: this thread's event loop.
       */
      thread?: 'worker' | 'main';
    }
  | { kind: 'external'; url?: string }
  | { kind: 'container'; url: string };

export interface OpenToxiproxy {
  readonly client: Toxiproxy;
  readonly url: string;
  readonly kind: ToxiproxyChoice['kind'];
  /** Whether chaoslab's frame-aware toxics exist on this server (never on a real Toxiproxy). */
  readonly frameToxics: boolean;
  /** The seed of the server's random draws, when it is chaoslab's own server. */
  readonly seed: number | undefined;
  /** Stops an embedded server; an external or container one is left running (its owner stops it). */
  stop(): Promise<void>;
}

export const TOXIPROXY_URL_VARIABLE = 'CHAOSLAB_TOXIPROXY_URL';

/** External when CHAOSLAB_TOXIPROXY_URL is set, embedded otherwise. */
export function defaultToxiproxyChoice(env: NodeJS.ProcessEnv = process.env): ToxiproxyChoice {
  const url = env[TOXIPROXY_URL_VARIABLE];
  return url ? { kind: 'external', url } : { kind: 'embedded' };
}

export async function openToxiproxy(choice: ToxiproxyChoice = defaultToxiproxyChoice()): Promise<OpenToxiproxy> {
  if (choice.kind === 'embedded') {
    const options = { seed: choice.seed, host: choice.host, port: choice.port };
    const server = choice.thread === 'main' ? await startProxyServer(options) : await startProxyServerThread(options);
    return {
      client: new Toxiproxy(server.url),
      url: server.url,
      kind: 'embedded',
      frameToxics: true,
      seed: server.seed,
      stop: () => server.close(),
    };
  }
  const url = (choice.url ?? process.env[TOXIPROXY_URL_VARIABLE])?.replace(/\/+$/, '');
  if (!url) throw new Error(`external Toxiproxy: give its URL or set ${TOXIPROXY_URL_VARIABLE}`);
  const client = new Toxiproxy(url);
  try {
    await client.getVersion();
  } catch (error) {
    throw new Error(`no Toxiproxy answers at ${url}: ${(error as Error).message}`);
  }
  const identity = await chaoslabIdentity(url);
  return {
    client,
    url,
    kind: choice.kind,
    frameToxics: identity !== undefined,
    seed: identity?.seed,
    stop: async () => {},
  };
}

/** Whether the server at `url` is chaoslab's own, with its frame toxics (false too when nothing answers). */
export async function isChaoslabProxy(url: string): Promise<boolean> {
  return (await chaoslabIdentity(url.replace(/\/+$/, ''))) !== undefined;
}

/** chaoslab's server answers GET /chaoslab; a real Toxiproxy answers 404. */
async function chaoslabIdentity(url: string): Promise<{ seed: number } | undefined> {
  try {
    const response = await fetch(`${url}/chaoslab`);
    if (!response.ok) return undefined;
    const body = (await response.json()) as { server?: string; seed?: number };
    return body.server === 'chaoslab' ? { seed: Number(body.seed) } : undefined;
  } catch {
    return undefined;
  }
}
