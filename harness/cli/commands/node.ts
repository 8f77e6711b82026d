import type { Command } from 'commander';
import { addNodeOptions, runNodeWithFlags, type NodeFlags } from '../../../nodes/main.ts';

export function register(program: Command): void {
  const command = program
    .command('node')
    .description('run one node: mailboxes and request/answer over framed TCP, one JSON log line per event')
    .exitOverride((error) => process.exit(error.exitCode === 0 ? 0 : 2));
  addNodeOptions(command).action((flags: NodeFlags) => runNodeWithFlags(flags));
}
