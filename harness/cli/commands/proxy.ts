import type { Command } from 'commander';
import { runStandalone, withProxyServerOptions, type StandaloneOptions } from '../../proxy/standalone.ts';

export function register(program: Command): void {
  withProxyServerOptions(
    program
      .command('proxy')
      .description("run chaoslab's Toxiproxy-compatible server (HTTP API and proxies) until SIGINT or SIGTERM"),
  ).action((options: StandaloneOptions) => runStandalone(options, (message) => program.error(message)));
}
