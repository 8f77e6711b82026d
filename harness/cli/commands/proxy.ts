import { readFile } from 'node:fs/promises';
import { InvalidArgumentError, type Command } from 'commander';
import { startProxyServer } from '../../proxy/server.ts';

function integer(name: string, min: number, max: number) {
  return (value: string): number => {
    const number = Number(value);
    if (!Number.isInteger(number) || number < min || number > max) {
      throw new InvalidArgumentError(`${name} must be a whole number from ${min} to ${max}`);
    }
    return number;
  };
}

export function register(program: Command): void {
  program
    .command('proxy')
    .description("run chaoslab's Toxiproxy-compatible server (HTTP API and proxies) until SIGINT or SIGTERM")
    .option('--host <host>', 'address of the HTTP API', '127.0.0.1')
    .option('--port <port>', 'port of the HTTP API', integer('--port', 0, 65535), 8474)
    .option('--config <file>', 'proxies to create at start (the /populate JSON: an array of proxies)')
    .option('--seed <n>', 'seed of every random draw (toxicity, jitter, frame toxics)', integer('--seed', 0, 2 ** 32 - 1))
    .action(async (options: { host: string; port: number; config?: string; seed?: number }) => {
      let populate: unknown;
      if (options.config) {
        try {
          populate = JSON.parse(await readFile(options.config, 'utf8'));
        } catch (error) {
          program.error(`chaoslab proxy: cannot read --config ${options.config}: ${(error as Error).message}`);
        }
      }
      let server;
      try {
        server = await startProxyServer({ host: options.host, port: options.port, seed: options.seed, populate });
      } catch (error) {
        program.error(`chaoslab proxy: ${(error as Error).message}`);
      }
      const proxies = server.proxies.list().length;
      console.log(`chaoslab proxy: API on ${server.url} (seed ${server.seed}, ${proxies} proxies)`);
      const stop = () => {
        server.close().then(() => process.exit(0));
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
}
