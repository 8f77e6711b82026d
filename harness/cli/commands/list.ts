import Table from 'cli-table3';
import type { Command } from 'commander';
import { displayPath, findScenarios } from '../../catalogue.ts';
import { plural } from '../../checkers/result.ts';
import { exitCodes } from '../exit-codes.ts';
import { parseShard, type Shard } from '../flags.ts';
import { styleFor } from '../output/style.ts';
import { inShard } from '../selection.ts';
import { rethrowAsUsage } from '../usage-error.ts';

/** Description width when piped; on a terminal it takes what the name and expectation columns leave. */
const PIPED_DESCRIPTION_WIDTH = 60;

export function register(program: Command): void {
  program
    .command('list')
    .description('List the scenario catalogue: what each one does and the verdict it expects per guarantee.')
    .argument('[scenario...]', "scenario names or name patterns ('lost-reply-*'), scenario files or folders")
    .option('--scenarios <dir>', "the project's scenario folder, listed with the built-in catalogue (default: ./scenarios when there is one)")
    .option('--json', 'print {"scenarios": [...]} on stdout')
    .option('--shard <i/n>', 'only the scenarios `run --shard i/n` runs', parseShard)
    .action(async (targets: string[], options: { json?: boolean; scenarios?: string; shard?: Shard }) => {
      const found = await findScenarios(targets, { scenariosDir: options.scenarios }).catch(rethrowAsUsage);
      const sources = options.shard ? inShard(found, options.shard) : found;
      const entries = sources.map(({ scenario, ...source }) => {
        const origin = { file: displayPath(source.file), builtIn: source.builtIn, ...(source.replaces ? { replaces: displayPath(source.replaces) } : {}) };
        // A broken file is listed with its error, so that one typo never hides the other scenarios.
        if (!scenario) return { name: source.name, ...origin, broken: source.error!, description: '', expected: {} };
        return {
          name: scenario.name,
          ...origin,
          description: scenario.description,
          expected: scenario.expect,
          semantics: scenario.nodes.semantics,
          ...(scenario.nodes.bug ? { bug: scenario.nodes.bug } : {}),
          nodes: scenario.nodes.count,
          ops: scenario.workload.ops,
          needs: scenario.needs ?? [],
        };
      });
      const broken = entries.filter((entry) => 'broken' in entry).length;
      if (broken) process.exitCode = exitCodes.usage.code;
      if (options.json) {
        process.stdout.write(`${JSON.stringify({ scenarios: entries })}\n`);
        return;
      }
      const style = styleFor(process.stdout);
      const expectations = entries.map((entry) => Object.entries(entry.expected).map(([guarantee, verdict]) => `${guarantee}: ${verdict}`));
      // Names are never cut, so that they can be copied into `chaoslab run`; only descriptions wrap.
      const nameWidth = Math.max('scenario'.length, ...entries.map((entry) => entry.name.length));
      const expectedWidth = Math.max('expected'.length, ...expectations.flat().map((line) => line.length));
      const descriptionWidth = style.columns
        ? Math.max(30, style.columns - nameWidth - expectedWidth - 11)
        : PIPED_DESCRIPTION_WIDTH;
      const table = new Table({
        head: ['scenario', 'expected', 'description'].map((head) => style.colour.bold(head)),
        style: { head: [], border: [] },
        colWidths: [null, null, descriptionWidth],
        wordWrap: true,
      });
      entries.forEach((entry, i) => {
        const about = 'broken' in entry ? `BROKEN: ${entry.file}: ${entry.broken}` : entry.builtIn ? entry.description : `${entry.file}: ${entry.description}`;
        table.push([entry.name, expectations[i]!.join('\n'), about]);
      });
      process.stdout.write(`${table.toString()}\n${plural(entries.length, 'scenario')}${broken ? `, ${broken} broken` : ''}\n`);
    });
}
