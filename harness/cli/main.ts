import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command, CommanderError } from 'commander';
import { exitCodeHelp, exitCodes } from './exit-codes.ts';
import { UsageError } from './usage-error.ts';

const here = dirname(fileURLToPath(import.meta.url));
const commandsDir = join(here, 'commands');

/** chaoslab's own package.json: two folders up in a checkout, three in the package (dist/harness/cli). */
function version(): string {
  for (let dir = here; dir !== dirname(dir); dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (!existsSync(file)) continue;
    const manifest = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version: string };
    if (manifest.name === 'chaoslab') return manifest.version;
  }
  return 'unknown';
}

/**
 * Every file in commands/ adds one subcommand, so adding a command never touches this file. Sets the exit status
 * (exit-codes.ts) rather than exiting, so that output is flushed and nothing is cut short.
 */
export async function main(argv: string[]): Promise<void> {
  const program = new Command('chaoslab')
    .description('A distributed-systems test lab: nodes, proxies, faults, histories and delivery-guarantee checkers.')
    .version(version(), '-V, --version')
    .addHelpText('after', exitCodeHelp())
    // Commander's own errors (unknown option, bad value) are thrown to the catch below instead of exiting here.
    .exitOverride()
    // One line per error: commander puts its "(Did you mean ...?)" on a second one.
    .configureOutput({ outputError: (message, write) => write(`${oneLine(message)}\n`) });
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
  try {
    await program.parseAsync(argv);
  } catch (error) {
    process.exitCode = exitCodeOf(error);
  }
}

function oneLine(message: string): string {
  return message.trim().split('\n').map((line) => line.trim()).join(' ');
}

/** Reports an error the way its kind deserves and says which exit status that is. */
function exitCodeOf(error: unknown): number {
  if (error instanceof CommanderError) {
    // Already printed by commander; --help and --version end this way too, with exit code 0.
    return error.exitCode === 0 ? exitCodes.asExpected.code : exitCodes.usage.code;
  }
  if (error instanceof UsageError) {
    process.stderr.write(`error: ${error.message}\n`);
    return exitCodes.usage.code;
  }
  // Anything else is chaoslab's own failure: the stack is what a bug report needs.
  process.stderr.write(`internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  return exitCodes.internal.code;
}
