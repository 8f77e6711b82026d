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
  // `chaoslab node` starts once per node of every lab: it loads only its own file, not every command's imports.
  const files = argv[2] === 'node' ? ['node.ts'] : readdirSync(commandsDir).filter((f) => f.endsWith('.ts')).sort();
  for (const file of files) {
    const command: { register(program: Command): void } = await import(join(commandsDir, file));
    command.register(program);
  }
  await program.parseAsync(argv);
}
