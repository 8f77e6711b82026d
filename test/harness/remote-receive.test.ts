import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readHistory, runFiles } from '../../harness/history/index.ts';
import { runScenario } from '../../harness/run.ts';
import { defineScenario } from '../../harness/scenario.ts';

const runsDir = mkdtempSync(join(tmpdir(), 'chaoslab-receive-'));
afterAll(() => rmSync(runsDir, { recursive: true, force: true }));

describe('remote receive ops', () => {
  it('hold messages under leases that expire, and every sent message is still executed by the owner', { timeout: 60_000 }, async () => {
    const scenario = defineScenario({
      name: 'remote-receive-at-least-once',
      description: 'n1 sends to n2 and also receives from it as a competing remote receiver that never consumes',
      nodes: { count: 2, semantics: 'at-least-once' },
      workload: { ops: 60, concurrency: 2, mix: { send: 2, receive: 1 } },
      expect: { 'at-least-once': 'holds' },
    });
    const run = await runScenario(scenario, { runsDir, report: false, seed: 3 });
    expect(run.error).toBeUndefined();
    expect(run.observed['at-least-once']).toBe('holds');
    const history = await readHistory(join(run.dir, runFiles.history));
    const held = history.filter((op) => op.f === 'receive' && op.type === 'ok' && typeof op.value.got === 'string');
    expect(held.length).toBeGreaterThan(0);
    for (const op of held) expect(op.value.leaseUntil as number).toBeGreaterThan(op.value.takenAt as number);
    const owner = readFileSync(join(run.dir, 'nodes', 'n2.log'), 'utf8');
    expect(owner).toMatch(/"event":"redeliver".*"reason":"lease-expired"/);
  });
});
