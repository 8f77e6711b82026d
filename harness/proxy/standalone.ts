import { readFile } from 'node:fs/promises';
import { InvalidArgumentError, type Command } from 'commander';
import { startProxyServer } from './server.ts';

export interface StandaloneOptions {
  host: string;
  port: number;
  config?: string;
  seed?: number;
}

function integer(name: string, min: number, max: number) {
  return (value: string): number => {
    // Digits only: Number() reads '' as 0 and '1e3' as 1000.
    const number = /^[0-9]+$/.test(value) ? Number(value) : Number.NaN;
    if (!Number.isInteger(number) || number < min || number > max) {
      throw new InvalidArgumentError(`${name} must be a whole number from ${min} to ${max}`);
    }
    return number;
  };
}

/** The options of a standalone proxy server (`chaoslab proxy`). */
export function withProxyServerOptions(command: Command): Command {
  return command
    .option('--host <host>', 'address of the HTTP API', '127.0.0.1')
    .option('--port <port>', 'port of the HTTP API', integer('--port', 0, 65535), 8474)
    .option('--config <file>', 'proxies to create at start (the /populate JSON: an array of proxies)')
    .option('--seed <n>', 'seed of every random draw (toxicity, jitter, frame toxics)', integer('--seed', 0, 2 ** 32 - 1));
}

/**
 * Runs the server until SIGINT or SIGTERM, then closes every proxy and exits 0. Logs one line when listening.
 * A config that cannot be read or is refused fails before anything listens.
 */
export async function runStandalone(options: StandaloneOptions, fail: (message: string) => never): Promise<void> {
  let populate: unknown;
  if (options.config) {
    try {
      populate = JSON.parse(await readFile(options.config, 'utf8'));
    } catch (error) {
      fail(`chaoslab proxy: cannot read --config ${options.config}: ${(error as Error).message}`);
    }
  }
  let server;
  try {
    server = await startProxyServer({ host: options.host, port: options.port, seed: options.seed, populate });
  } catch (error) {
    fail(`chaoslab proxy: ${(error as Error).message}`);
  }
  const proxies = server.proxies.list().length;
  console.log(`chaoslab proxy: API on ${server.url} (seed ${server.seed}, ${proxies} proxies)`);
  const stop = () => {
    server.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
