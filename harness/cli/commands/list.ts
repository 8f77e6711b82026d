import Table from 'cli-table3';
import type { Command } from 'commander';
import { loadCatalogue } from '../../catalogue.ts';
import { plural } from '../../checkers/result.ts';
import { parseShard, type Shard } from '../flags.ts';
import { styleFor } from '../output/style.ts';
import { inShard } from '../selection.ts';

/** Description width when piped; on a terminal it takes what the name and expectation columns leave. */
const PIPED_DESCRIPTION_WIDTH = 60;

export function register(program: Command): void {
  program
    .command('list')
    .description('List the scenario catalogue: what each one does and the verdict it expects per guarantee.')
    .option('--json', 'print {"scenarios": [...]} on stdout')
    .option('--shard <i/n>', 'only the scenarios `run --shard i/n` runs', parseShard)
    .action(async (options: { json?: boolean; shard?: Shard }) => {
      const catalogue = await loadCatalogue();
      const scenarios = options.shard ? inShard(catalogue, options.shard) : catalogue;
      const entries = scenarios.map((scenario) => ({
        name: scenario.name,
        description: scenario.description,
        expected: scenario.expect,
        semantics: scenario.nodes.semantics,
        ...(scenario.nodes.bug ? { bug: scenario.nodes.bug } : {}),
        nodes: scenario.nodes.count,
        ops: scenario.workload.ops,
        needs: scenario.needs ?? [],
      }));
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
      entries.forEach((entry, i) => table.push([entry.name, expectations[i]!.join('\n'), entry.description]));
      process.stdout.write(`${table.toString()}\n${plural(entries.length, 'scenario')}\n`);
    });
}
