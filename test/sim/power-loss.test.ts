import { describe, expect, it } from 'vitest';
import { SimWorld } from '../../harness/sim/env.ts';
import { Journal } from '../../nodes/journal/journal.ts';

// The no-fsync bug at the journal itself: a process kill keeps what it wrote, a power loss keeps only what it fsynced.
async function appendThenLose(fsync: boolean, powerLoss: boolean): Promise<unknown[]> {
  const world = new SimWorld(1);
  const first = world.host('n2');
  const run = (async () => {
    const { journal } = await Journal.open('/data/n2/executions.journal', first.env, { fsync });
    await journal.append({ n: 1 });
    await journal.append({ n: 2 });
    first.crash(powerLoss ? {} : false);
    const { records } = await Journal.open('/data/n2/executions.journal', world.host('n2').env);
    return records;
  })();
  return world.scheduler.run(run, 1_000);
}

describe('a journal across a crash, on a simulated disk', () => {
  it('fsynced appends survive a power loss', async () => {
    expect(await appendThenLose(true, true)).toEqual([{ n: 1 }, { n: 2 }]);
  });

  it('no-fsync: a process kill keeps the appends (the page cache survives), a power loss loses them', async () => {
    expect(await appendThenLose(false, false)).toEqual([{ n: 1 }, { n: 2 }]);
    expect(await appendThenLose(false, true)).toEqual([]);
  });
});
