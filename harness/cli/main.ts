import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';

const commandsDir = join(dirname(fileURLToPath(import.meta.url)), 'commands');

/** Every file in commands/ adds one subcommand, so adding a command never touches this file. */
export async function main(argv: string[]): Promise<void> {
  const program = new Command('chaoslab')
    .description('A distributed-systems test lab: nodes, proxies, faults, histories and delivery-guarantee checkers.')
    .showHelpAfterError();
  // A named command loads only its own file: `chaoslab node` starts once per node of every lab, and `chaoslab proxy`
  // forwards bytes faster in a process that has not loaded every other command's dependencies.
  // TypeScript in a checkout, JavaScript in the published package.
  const extension = import.meta.url.endsWith('.ts') ? '.ts' : '.js';
  const all = readdirSync(commandsDir).filter((f) => f.endsWith(extension) && !f.endsWith('.d.ts')).sort();
  const named = `${argv[2]}${extension}`;
  const files = all.includes(named) ? [named] : all;
  for (const file of files) {
    const command: { register(program: Command): void } = await import(join(commandsDir, file));
    command.register(program);
  }
  await program.parseAsync(argv);
}
