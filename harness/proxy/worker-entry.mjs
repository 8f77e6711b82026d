// Runs chaoslab's proxy server in a worker thread: its own event loop and heap, so forwarding is neither
// delayed by the harness's work nor slowed by the harness's module graph. Plain JS, because a worker does not
// inherit the TypeScript loader of the thread that started it.
import { parentPort, workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
const { startProxyServer } = await import('./server.ts');
try {
  const server = await startProxyServer(workerData);
  parentPort.on('message', async (message) => {
    if (message !== 'stop') return;
    await server.close();
    parentPort.postMessage({ stopped: true });
  });
  parentPort.postMessage({ url: server.url, seed: server.seed });
} catch (error) {
  parentPort.postMessage({ error: error instanceof Error ? error.message : String(error) });
}
