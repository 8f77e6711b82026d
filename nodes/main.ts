import { readFileSync } from 'node:fs';
import { Command, InvalidArgumentError, Option } from 'commander';
import { parseHostPort, parseNodeConfig, Semantics, type NodeConfig } from './config.ts';
import { InvalidConfig } from './errors.ts';
import { flushLog, log, setLogNode } from './log.ts';
import { Node } from './node.ts';
import { startPrograms } from './programs/index.ts';

// The node program: `chaoslab node --id NAME --port P ...`. The same program runs as a local process and as
// PID 1 in a container, hence the signal handling installed before anything else.

export interface NodeFlags {
  id?: string;
  port?: number;
  host?: string;
  data?: string;
  config?: string;
  configJson?: string;
  semantics?: string;
  bug?: string;
  program?: string[];
  peer?: string[];
  nameService?: string;
  maxFrameBytes?: number;
  mailboxCapacity?: number;
}

/** Add the node's flags to a command (used by `chaoslab node` and by runNode). */
export function addNodeOptions(command: Command): Command {
  const integer = (flag: string) => (value: string) => {
    if (!/^\d+$/.test(value)) throw new InvalidArgumentError(`${flag} expects a non-negative integer`);
    return Number(value);
  };
  const collect = (value: string, previous: string[] = []) => [...previous, value];
  return command
    .option('--id <name>', 'node id (unique in a lab)')
    .option('--port <port>', 'TCP port to listen on (0 = any free port; the bound port is logged)', integer('--port'))
    .option('--host <host>', 'address to listen on (default 127.0.0.1)')
    .option('--data <dir>', 'data dir: durable mailboxes and journals survive a crash here')
    .option('--config <file>', 'JSON config file (flags override it)')
    .option('--config-json <json>', 'config as inline JSON (overrides the file, flags override it)')
    .addOption(new Option('--semantics <setting>', 'delivery semantics').choices(Semantics.options))
    .option('--bug <name>', 'inject a named bug (see the bug zoo)')
    .option('--program <name>', 'program to run once listening (repeatable)', collect)
    .option('--peer <name=host:port>', 'address of another node (repeatable)', collect)
    .option('--name-service <host:port>', 'address of the name service')
    .option('--max-frame-bytes <n>', 'largest frame accepted', integer('--max-frame-bytes'))
    .option('--mailbox-capacity <n>', 'default capacity of a mailbox', integer('--mailbox-capacity'));
}

/** Merge file, inline JSON and flags (in that order of precedence, lowest first) into a validated config. */
export function configFromFlags(flags: NodeFlags): NodeConfig {
  let config: Record<string, unknown> = {};
  if (flags.config) config = { ...config, ...readJsonObject(readFile(flags.config), `--config ${flags.config}`) };
  if (flags.configJson) config = { ...config, ...readJsonObject(flags.configJson, '--config-json') };
  const set = (key: string, value: unknown) => {
    if (value !== undefined) config[key] = value;
  };
  set('id', flags.id);
  set('port', flags.port);
  set('host', flags.host);
  set('data', flags.data);
  set('semantics', flags.semantics);
  set('bug', flags.bug);
  set('maxFrameBytes', flags.maxFrameBytes);
  set('mailboxCapacity', flags.mailboxCapacity);
  if (flags.program?.length) config.programs = [...((config.programs as string[] | undefined) ?? []), ...flags.program];
  if (flags.peer?.length) {
    const peers = { ...((config.peers as object | undefined) ?? {}) } as Record<string, unknown>;
    for (const spec of flags.peer) {
      const match = /^([^=]+)=(.+)$/.exec(spec);
      if (!match) throw new InvalidConfig(`--peer expects NAME=HOST:PORT, got '${spec}'`);
      peers[match[1]!] = parseHostPort(match[2]!, '--peer');
    }
    config.peers = peers;
  }
  if (flags.nameService) config.nameService = parseHostPort(flags.nameService, '--name-service');
  return parseNodeConfig(config);
}

function readFile(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new InvalidConfig(`cannot read config file '${path}': ${(error as Error).message}`);
  }
}

function readJsonObject(text: string, where: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new InvalidConfig(`${where} is not valid JSON: ${(error as Error).message}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new InvalidConfig(`${where} must be a JSON object`);
  return value as Record<string, unknown>;
}

/** Run a node until SIGTERM/SIGINT. A bad configuration prints a clear error and exits 2. */
export async function runNodeWithFlags(flags: NodeFlags): Promise<void> {
  // First thing: as PID 1 in a container, a process without a handler ignores SIGTERM.
  let node: Node | undefined;
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    void (async () => {
      try {
        await node?.stop();
      } finally {
        if (!node) log('stopping', { signal });
        flushLog();
        process.exit(0);
      }
    })();
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  // A forgotten rejection in a program must not look like a crash fault to the lab: log it, keep serving.
  process.on('unhandledRejection', (reason) => {
    log('internal-error', { error: reason instanceof Error ? reason.message : String(reason), stack: reason instanceof Error ? reason.stack : undefined });
  });

  let config: NodeConfig;
  try {
    config = configFromFlags(flags);
  } catch (error) {
    process.stderr.write(`chaoslab node: ${(error as Error).message}\n`);
    process.exit(2);
  }
  process.title = `chaoslab node ${config.id}`;
  setLogNode(config.id);
  try {
    node = await Node.start(config);
    if (stopping) {
      await node.stop();
      return;
    }
    await startPrograms(node, config.programs);
    // The harness waits for this line: before it, a program's services may not be served yet.
    log('ready', { programs: config.programs });
  } catch (error) {
    process.stderr.write(`chaoslab node ${config.id}: ${(error as Error).message}\n`);
    log('fatal', { error: (error as Error).message });
    flushLog();
    await node?.stop().catch(() => {});
    process.exit(1);
  }
}

/** `runNode(process.argv.slice(2))`: the node program without the chaoslab CLI around it. */
export async function runNode(argv: string[]): Promise<void> {
  const command = addNodeOptions(new Command('chaoslab-node'));
  command.exitOverride((error) => process.exit(error.exitCode === 0 ? 0 : 2));
  command.parse(argv, { from: 'user' });
  await runNodeWithFlags(command.opts<NodeFlags>());
}
