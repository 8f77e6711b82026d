import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readHistory, runFiles } from '../../harness/history/index.ts';
import { runScenario } from '../../harness/run.ts';
import { crash, defineScenario } from '../../harness/scenario.ts';

const runsDir = mkdtempSync(join(tmpdir(), 'chaoslab-crashed-client-'));
afterAll(() => rmSync(runsDir, { recursive: true, force: true }));

describe('a crashed client node', () => {
  it('fails the ops the workload could not hand to it, never leaves them indeterminate', { timeout: 90_000 }, async () => {
    // A workload process busy on n1 when n2 is killed still holds its connection to n2 from before; the first op it
    // invokes on n2 after the restart finds that connection closed. That op never reached n1, so no outbox could resend it: `info` would
    // demand (with eventual delivery) an execution that cannot come.
    const scenario = defineScenario({
      name: 'crashed-client-exactly-once',
      description: 'n1 and n2 run the client; n2 is killed and restarted while the workload goes on',
      nodes: { count: 3, semantics: 'exactly-once', programs: { n1: ['client'], n2: ['client'], n3: ['log', 'consumer'] } },
      workload: { ops: 120, concurrency: 6, mix: { append: 1 } },
      faults: [{ fault: crash('n2'), at: { ops: 30 }, duration: 50 }],
      expect: { 'exactly-once': 'holds' },
    });
    const run = await runScenario(scenario, { runsDir, report: false, seed: 5 });
    expect(run.error).toBeUndefined();
    const history = await readHistory(join(run.dir, runFiles.history));
    const notSent = history.filter((op) => op.type !== 'invoke' && /not executed/.test(String(op.error ?? '')));
    expect(notSent.length).toBeGreaterThan(0);
    for (const op of notSent) expect(op.type).toBe('fail');
  });
});
