// The proxy server alone: `node --import tsx harness/proxy/main.ts [--host] [--port] [--config] [--seed]`.
// Same options and behaviour as `chaoslab proxy`, but the process loads only the proxy's modules. A process
// that has loaded the whole harness spends about twice the CPU per byte forwarded (measured with bench/proxy.ts),
// so a proxy that carries heavy traffic (a proxy container, the benchmark) should start from here.
import { Command } from 'commander';
import { runStandalone, withProxyServerOptions, type StandaloneOptions } from './standalone.ts';

const program = withProxyServerOptions(
  new Command('chaoslab-proxy').description("chaoslab's Toxiproxy-compatible server (HTTP API and proxies)"),
);
program.action((options: StandaloneOptions) => runStandalone(options, (message) => program.error(message)));
await program.parseAsync(process.argv);
