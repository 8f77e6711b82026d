import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { selectScenarios } from '../../harness/catalogue.ts';
import { runFiles } from '../../harness/history/index.ts';
import { runScenario } from '../../harness/run.ts';

// A simulated run is a function of its seed: the same seed gives the same files, byte for byte.
const runsDir = mkdtempSync(join(tmpdir(), 'chaoslab-sim-replay-'));
afterAll(() => rmSync(runsDir, { recursive: true, force: true }));

const [scenario] = await selectScenarios(['lost-reply-exactly-once']);

async function filesOf(seed: number): Promise<{ history: Buffer; executions: Buffer; faults: Buffer }> {
  const run = await runScenario(scenario!, { backend: 'sim', seed, runsDir, report: false });
  expect(run.error).toBeUndefined();
  expect(run.ok).toBe(true);
  const read = (file: string) => readFileSync(join(run.dir, file));
  return { history: read(runFiles.history), executions: read(runFiles.executions), faults: read(runFiles.faults) };
}

describe('a simulated run replays bit for bit', () => {
  it('one seed twice: the same history.jsonl, executions.jsonl and faults.jsonl', async () => {
    const first = await filesOf(11);
    const second = await filesOf(11);
    expect(first.history.length).toBeGreaterThan(1000);
    expect(first.executions.length).toBeGreaterThan(1000);
    expect(second.history.equals(first.history)).toBe(true);
    expect(second.executions.equals(first.executions)).toBe(true);
    expect(second.faults.equals(first.faults)).toBe(true);
  }, 60_000);

  it('another seed: another history (the comparison can fail)', async () => {
    const [one, other] = [await filesOf(11), await filesOf(12)];
    expect(other.history.equals(one.history)).toBe(false);
  }, 60_000);
});
