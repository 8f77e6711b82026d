import Table from 'cli-table3';
import type { Command } from 'commander';
import { displayPath, findScenarios } from '../../catalogue.ts';

export function register(program: Command): void {
  program
    .command('list')
    .description('List the scenario catalogue: what each one does and the verdict it expects per guarantee.')
    .argument('[scenario...]', "scenario names or name patterns ('lost-reply-*'), scenario files or folders")
    .option('--scenarios <dir>', "the project's scenario folder, listed with the built-in catalogue (default: ./scenarios when there is one)")
    .option('--json', 'print {"scenarios": [...]} on stdout')
    .action(async (targets: string[], options: { json?: boolean; scenarios?: string }) => {
      const sources = await findScenarios(targets, { scenariosDir: options.scenarios });
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
      if (broken) process.exitCode = 1;
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
        const about = 'broken' in entry ? `BROKEN: ${entry.file}: ${entry.broken}` : entry.builtIn ? entry.description : `${entry.file}: ${entry.description}`;
        table.push([entry.name, expected.join('\n'), about]);
      }
      process.stdout.write(`${table.toString()}\n${entries.length} scenarios${broken ? `, ${broken} broken` : ''}\n`);
    });
}
