import type { Command } from 'commander';

export function register(program: Command): void {
  program
    .command('report')
    .description('(re)write report.html of stored run folders: timeline, plots, verdicts and counterexamples')
    .argument('<dir...>', 'run folders (runs/<time>-<scenario>/)')
    .action(async (dirs: string[]) => {
      // Loaded here, not at the top: every command file is imported for every command, `chaoslab node` included.
      const { writeReport } = await import('../../report/index.ts');
      for (const dir of dirs) {
        try {
          console.log(await writeReport(dir));
        } catch (error) {
          console.error(`chaoslab report: ${(error as Error).message}`);
          process.exitCode = 2;
        }
      }
    });
}
