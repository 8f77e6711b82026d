import Table from 'cli-table3';
import type { Command } from 'commander';
import { loadCatalogue } from '../../catalogue.ts';

export function register(program: Command): void {
  program
    .command('list')
    .description('List the scenario catalogue: what each one does and the verdict it expects per guarantee.')
    .option('--json', 'print {"scenarios": [...]} on stdout')
    .action(async (options: { json?: boolean }) => {
      const scenarios = await loadCatalogue();
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
      const table = new Table({
        head: ['scenario', 'expected', 'description'],
        style: { head: [], border: [] },
        colWidths: [40, 34, 60],
        wordWrap: true,
      });
      for (const entry of entries) {
        const expected = Object.entries(entry.expected).map(([guarantee, verdict]) => `${guarantee}: ${verdict}`);
        table.push([entry.name, expected.join('\n'), entry.description]);
      }
      process.stdout.write(`${table.toString()}\n${entries.length} scenarios\n`);
    });
}
