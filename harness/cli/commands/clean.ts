import type { Command } from 'commander';
import { engineAnswers } from '../../docker/engine.ts';
import { planImages, resolveBase } from '../../docker/images.ts';
import { inventory, sweep, sweepImages } from '../../docker/sweep.ts';

export function register(program: Command): void {
  program
    .command('clean')
    .description("remove chaoslab's Docker containers, networks and volumes left by runs whose harness died")
    .option('--all', 'also those of runs still going on')
    .option('--run <id>', 'only this run')
    .option('--images', "also remove chaoslab's images other than those the current sources call for")
    .option('--quiet', 'print nothing, and say nothing when no engine answers')
    .action(async (options: { all?: boolean; run?: string; images?: boolean; quiet?: boolean }) => {
      if (!(await engineAnswers())) {
        if (!options.quiet) console.log('no Docker engine answers: nothing to clean');
        return;
      }
      const removed = await sweep({ all: options.all, runId: options.run });
      const left = await inventory();
      if (!options.quiet) {
        console.log(
          `removed ${removed.containers} containers, ${removed.networks} networks, ${removed.volumes} volumes; ` +
            `left: ${left.containers} containers, ${left.networks} networks, ${left.volumes} volumes` +
            (left.containers + left.networks + left.volumes > 0 && !options.all ? ' (of runs still going on; --all removes them too)' : ''),
        );
      }
      if (options.images) {
        const plan = await planImages(await resolveBase());
        const removedImages = await sweepImages([plan.base, plan.node, plan.proxy]);
        if (!options.quiet) console.log(`removed ${removedImages} old chaoslab images; kept ${plan.node}, ${plan.proxy}`);
      }
    });
}
