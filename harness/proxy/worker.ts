// Runs chaoslab's proxy server in a worker thread: its own event loop and heap, so forwarding is neither
// delayed by the harness's work nor slowed by the harness's module graph. The thread runs this file bundled
// (harness/bundles.ts), since a worker does not inherit the TypeScript loader of the thread that started it.
import { parentPort, workerData } from 'node:worker_threads';
import { startProxyServer, type ProxyServerOptions } from './server.ts';

const port = parentPort!;
try {
  const server = await startProxyServer(workerData as ProxyServerOptions);
  port.on('message', async (message) => {
    if (message !== 'stop') return;
    await server.close();
    port.postMessage({ stopped: true });
  });
  port.postMessage({ url: server.url, seed: server.seed });
} catch (error) {
  port.postMessage({ error: error instanceof Error ? error.message : String(error) });
}
