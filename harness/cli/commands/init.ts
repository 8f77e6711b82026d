import type { Command } from 'commander';

export function register(program: Command): void {
  program
    .command('init')
    .description('Start testing with chaoslab here: a scenario, a vitest test that runs it and an npm script (overwrites nothing).')
    .argument('[name]', 'the scenario to write (kebab-case)', 'lost-reply-example')
    .action(async (name: string) => {
      const [{ scaffold }, { isScenarioName }] = await Promise.all([import('../../scaffold.ts'), import('../../scenario.ts')]);
      if (!isScenarioName(name)) throw new Error(`the scenario's name must be kebab-case, got "${name}"`);
      for (const step of scaffold(process.cwd(), name)) {
        process.stdout.write(`${step.done.padEnd(7)} ${step.path}${step.why ? ` (${step.why})` : ''}\n`);
      }
      process.stdout.write(`next: npx chaoslab run ${name}; npx vitest run test/${name}.test.ts; npm run chaoslab\n`);
    });
}
