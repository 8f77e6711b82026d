import { once } from 'node:events';
import { Worker } from 'node:worker_threads';
import { bundle } from '../bundles.ts';
import type { ProxyServerOptions } from './server.ts';

export interface ThreadedProxyServer {
  readonly url: string;
  readonly seed: number;
  close(): Promise<void>;
}

type Reply = { url: string; seed: number } | { error: string } | { stopped: true };

/** Starts the proxy server in a worker thread of this process (see worker.ts for why). */
export async function startProxyServerThread(options: ProxyServerOptions = {}): Promise<ThreadedProxyServer> {
  // Plain JavaScript: the thread needs none of the flags (a TypeScript loader) this process may run with.
  const worker = new Worker(await bundle('proxy-worker'), { workerData: options, execArgv: [] });
  const exited = once(worker, 'exit');
  const [reply] = (await Promise.race([
    once(worker, 'message'),
    once(worker, 'error').then(([error]) => [{ error: (error as Error).message }]),
    exited.then(([code]) => [{ error: `the proxy thread exited with code ${code} before it listened` }]),
  ])) as [Reply];
  if ('error' in reply) {
    await worker.terminate();
    throw new Error(reply.error);
  }
  if (!('url' in reply)) throw new Error('the proxy thread answered out of turn');
  let closing: Promise<void> | undefined;
  return {
    url: reply.url,
    seed: reply.seed,
    close() {
      closing ??= (async () => {
        const stopped = once(worker, 'message');
        worker.postMessage('stop');
        await Promise.race([stopped, exited]);
        await worker.terminate();
      })();
      return closing;
    },
  };
}
