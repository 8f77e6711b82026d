import type { Command } from 'commander';
import { buildImages, resolveBase, resolveProxy } from '../../docker/images.ts';

export function register(program: Command): void {
  program
    .command('images')
    .description('build the Docker images a docker run needs (base, node, proxy); a warm run reuses them all')
    .option('--base <base>', 'offline (built from this host, no registry), official (node:20-slim), or a node image; default: env CHAOSLAB_DOCKER_BASE, else official when present locally, else offline')
    .option('--proxy <proxy>', 'chaoslab (default) or toxiproxy (ghcr.io/shopify/toxiproxy, must be present locally); default: env CHAOSLAB_DOCKER_PROXY')
    .action(async (options: { base?: string; proxy?: string }) => {
      const started = performance.now();
      const base = await resolveBase(options.base);
      const { outcomes } = await buildImages(base, resolveProxy(options.proxy));
      for (const { image, action, ms } of outcomes) console.log(`${action.padEnd(6)} ${image}  ${(ms / 1000).toFixed(2)} s`);
      console.log(`images ready (${base.kind} base) in ${((performance.now() - started) / 1000).toFixed(2)} s`);
    });
}
