import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runScenario } from '../../harness/run.ts';
import lostReply from '../../scenarios/lost-reply.ts';

const lostReplies = lostReply.member('no-reply-cache');

// A real 1,000-op run (node processes, proxy with its wire log, lost replies and retransmissions): its report,
// the whole self-contained page with every message in the sequence diagram, stays under 300 KB.

const LIMIT_BYTES = 300 * 1024;
const workDir = mkdtempSync(join(tmpdir(), 'chaoslab-report-size-'));
afterAll(() => rmSync(workDir, { recursive: true, force: true }));

describe('report size', () => {
  it('a 1,000-op run with lost replies writes a report of at most 300 KB', async () => {
    const scenario = { ...lostReplies, workload: { ...lostReplies.workload, ops: 1000 } };
    const outcome = await runScenario(scenario, { seed: 5, runsDir: workDir });
    expect(outcome.error).toBeUndefined();
    expect(outcome.ops).toBe(1000);
    const wire = statSync(join(outcome.dir, 'wire.jsonl')).size;
    const report = statSync(join(outcome.dir, 'report.html')).size;
    // The page carries the messages: it is not small because something was left out.
    expect(wire).toBeGreaterThan(200_000);
    expect(report).toBeLessThanOrEqual(LIMIT_BYTES);
    // The run rewrote the runs folder's index, which links to this report.
    expect(readFileSync(join(workDir, 'index.html'), 'utf8')).toContain(`href="${basename(outcome.dir)}/report.html"`);
  }, 180_000);
});
