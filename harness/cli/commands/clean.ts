import type { Command } from 'commander';
import { sweepProcessLeftovers } from '../../backends/leftovers.ts';
import { engineAnswers } from '../../docker/engine.ts';
import { planImages, resolveBase } from '../../docker/images.ts';
import { inventory, sweep, sweepImages } from '../../docker/sweep.ts';

export function register(program: Command): void {
  program
    .command('clean')
    .description(
      "remove what runs whose harness died left behind: node processes and data folders, and chaoslab's Docker containers, networks and volumes",
    )
    .option('--all', 'also those of runs still going on')
    .option('--run <id>', 'only this docker run (node processes are not touched)')
    .option('--images', "also remove chaoslab's images other than those the current sources call for")
    .option('--quiet', 'print nothing, and say nothing when no engine answers')
    .action(async (options: { all?: boolean; run?: string; images?: boolean; quiet?: boolean }) => {
      if (options.run === undefined) {
        const swept = await sweepProcessLeftovers({ all: options.all });
        if (!options.quiet) {
          console.log(
            `removed ${swept.processes} node processes, ${swept.folders} data folders` +
              (swept.leftAlive > 0 && !options.all ? `; left: ${swept.leftAlive} labs of runs still going on (--all removes them too)` : ''),
          );
        }
      }
      if (!(await engineAnswers())) {
        if (!options.quiet) console.log('no Docker engine answers: no containers to clean');
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
