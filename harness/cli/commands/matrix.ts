import Table from 'cli-table3';
import { Option, type Command } from 'commander';
import { BUGS } from '../../../nodes/semantics/settings.ts';
import { Semantics as SemanticsSetting } from '../../../nodes/config.ts';
import { exitCodes } from '../exit-codes.ts';
import { stopLabsOnSignals } from '../signals.ts';
import { parseSeed, wholeNumber } from '../flags.ts';
import { UsageError } from '../usage-error.ts';
import type { MatrixCell, MatrixFailure, NodeUnderTest } from '../../matrix.ts';
import type { BackendName } from '../../outcome/index.ts';
import type { Bug, Semantics } from '../../scenario.ts';

interface MatrixFlags {
  nodeCommand?: string;
  program?: string;
  bug?: Bug;
  semantics?: string[];
  failures?: string[];
  ops?: number;
  parallel: number;
  seed?: number;
  backend: BackendName;
  toxiproxyUrl?: string;
  runsDir: string;
  report: boolean;
  json?: boolean;
}

const SETTINGS: readonly string[] = SemanticsSetting.options;

export function register(program: Command): void {
  program
    .command('matrix')
    .description(
      'Which guarantees does a node keep? Runs the failure x setting matrix of docs/SEMANTICS.md against chaoslab\'s ' +
        'node (optionally with a --bug), a TypeScript --program module or your executable (--node-command) on every ' +
        'server, and prints the verdicts observed, with the run folder of every cell.',
    )
    .option('--node-command <command>', 'your node: an executable speaking docs/PROTOCOL.md, split at spaces (e.g. "python3 node.py")')
    .option('--program <file>', 'your program module (a .ts file, relative to the current directory), run by chaoslab\'s node')
    .addOption(new Option('--bug <name>', "chaoslab's node with a bug of the zoo (docs/SEMANTICS.md)").choices(BUGS))
    .option('--semantics <settings>', `rows, comma-separated (default all: ${SETTINGS.join(', ')})`, list)
    .option('--failures <failures>', 'columns, comma-separated (default all; docs/YOUR-NODE.md lists them)', list)
    .option('--ops <n>', "ops per cell (default the catalogue scenario's)", wholeNumber('--ops', 1, 1_000_000))
    .option('--parallel <n>', 'cells run at once', wholeNumber('--parallel', 1, 64), 2)
    .option('--seed <n>', 'one seed for every cell (default: a seed per cell, printed)', parseSeed)
    .addOption(new Option('--backend <name>', 'where nodes run').choices(['process', 'docker', 'sim']).default('process'))
    .option('--toxiproxy-url <url>', 'use this Toxiproxy instead of the embedded proxy (standard toxics only)')
    .option('--runs-dir <dir>', 'where run folders are written', 'runs')
    .option('--no-report', 'do not write report.html into each run folder (faster)')
    .option('--json', 'print one JSON object {"cells": [...]} on stdout')
    .action(async (flags: MatrixFlags) => {
      const { failureNames, runMatrix } = await import('../../matrix.ts');
      const { closeActiveLabs } = await import('../../run.ts');
      const { node, failures, settings } = (() => {
        try {
          return {
            node: nodeUnderTest(flags),
            failures: choose(flags.failures, failureNames, '--failures') as MatrixFailure[],
            settings: choose(flags.semantics, SETTINGS, '--semantics') as Semantics[],
          };
        } catch (error) {
          throw new UsageError((error as Error).message);
        }
      })();
      stopLabsOnSignals(closeActiveLabs);

      const cells = await runMatrix({
        node,
        failures,
        settings,
        ops: flags.ops,
        parallel: flags.parallel,
        seed: flags.seed,
        backend: flags.backend,
        toxiproxyUrl: flags.toxiproxyUrl ?? process.env.CHAOSLAB_TOXIPROXY_URL,
        runsDir: flags.runsDir,
        report: flags.report,
        onProgress: (line) => process.stderr.write(`${line}\n`),
      });
      const replay = replayCommand(flags);
      if (flags.json) process.stdout.write(`${JSON.stringify({ node, cells: cells.map((cell) => ({ ...jsonCell(cell), replay: replay(cell) })) })}\n`);
      else process.stdout.write(`${formatMatrix(node, cells, failures, settings, replay)}\n`);
      // The verdicts are observations, not failures; a cell that could not run is.
      process.exitCode = cells.some((cell) => cell.outcome.error) ? exitCodes.internal.code : exitCodes.asExpected.code;
    });
}

function nodeUnderTest(flags: MatrixFlags): NodeUnderTest {
  const given = [flags.nodeCommand && '--node-command', flags.program && '--program', flags.bug && '--bug'].filter(Boolean);
  if (given.length > 1) throw new Error(`${given.join(' and ')}: give one node under test`);
  if (flags.nodeCommand !== undefined) {
    const command = flags.nodeCommand.split(/\s+/).filter(Boolean);
    if (command.length === 0) throw new Error('--node-command is empty');
    return { kind: 'command', command };
  }
  if (flags.program !== undefined) return { kind: 'program', file: flags.program };
  return { kind: 'built-in', ...(flags.bug ? { bug: flags.bug } : {}) };
}

/** The command that runs one cell again: the same node, failure, setting, ops and seed. */
function replayCommand(flags: MatrixFlags): (cell: MatrixCell) => string {
  const quote = (text: string) => (/^[\w./:=@-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`);
  const node = [
    flags.nodeCommand !== undefined ? `--node-command ${quote(flags.nodeCommand)}` : '',
    flags.program !== undefined ? `--program ${quote(flags.program)}` : '',
    flags.bug !== undefined ? `--bug ${quote(flags.bug)}` : '',
    flags.ops !== undefined ? `--ops ${flags.ops}` : '',
    flags.backend !== 'process' ? `--backend ${flags.backend}` : '',
  ].filter(Boolean);
  return ({ failure, setting, outcome }) =>
    ['npx chaoslab matrix', ...node, `--failures ${failure}`, `--semantics ${setting}`, `--seed ${outcome.seed}`].join(' ');
}

function choose(given: string[] | undefined, known: readonly string[], flag: string): string[] {
  if (!given) return [...known];
  const unknown = given.filter((name) => !known.includes(name));
  if (unknown.length > 0) throw new Error(`${flag}: unknown ${unknown.join(', ')}; known: ${known.join(', ')}`);
  return given;
}

function list(value: string): string[] {
  return value.split(',').map((part) => part.trim()).filter(Boolean);
}

const SHORT: Record<string, string> = { 'at-most-once': 'AMO', 'at-least-once': 'ALO', 'exactly-once': 'EO' };

function describeNode(node: NodeUnderTest): string {
  if (node.kind === 'command') return `command: ${node.command.join(' ')}`;
  if (node.kind === 'program') return `program module: ${node.file}`;
  return node.bug ? `chaoslab's node with bug ${node.bug}` : "chaoslab's node";
}

/** Rows are settings, columns failures; each cell the observed verdict per guarantee; then every cell's folder. */
export function formatMatrix(
  node: NodeUnderTest,
  cells: MatrixCell[],
  failures: string[],
  settings: string[],
  replay: (cell: MatrixCell) => string,
): string {
  const table = new Table({ head: ['setting \\ failure', ...failures], style: { head: [], border: [] } });
  for (const setting of settings) {
    table.push([
      setting,
      ...failures.map((failure) => {
        const outcome = cells.find((cell) => cell.failure === failure && cell.setting === setting)?.outcome;
        if (!outcome) return '-';
        if (outcome.error) return 'ERROR';
        if (outcome.skipped) return 'skipped';
        return Object.entries(SHORT)
          .map(([guarantee, short]) => `${short} ${outcome.observed[guarantee] === 'violated' ? 'VIOLATED' : (outcome.observed[guarantee] ?? '-')}`)
          .join('\n');
      }),
    ]);
  }
  const folders = cells.map((cell) => {
    const { failure, setting, outcome } = cell;
    const note = outcome.error ? `\n  ERROR: ${outcome.error}` : outcome.skipped ? `\n  skipped: ${outcome.skipped}` : '';
    return `${failure} x ${setting}: ${outcome.dir}\n  replay: ${replay(cell)}${note}`;
  });
  return [
    `node under test (servers n2..): ${describeNode(node)}; client n1: chaoslab's node`,
    table.toString(),
    'AMO at-most-once, ALO at-least-once, EO exactly-once; docs/SEMANTICS.md has what each setting guarantees.',
    'run folders:',
    ...folders,
  ].join('\n');
}

function jsonCell({ failure, setting, outcome }: MatrixCell) {
  return { failure, setting, observed: outcome.observed, seed: outcome.seed, dir: outcome.dir, ...(outcome.error ? { error: outcome.error } : {}), ...(outcome.skipped ? { skipped: outcome.skipped } : {}) };
}
