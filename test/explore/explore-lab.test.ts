import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { explore } from '../../harness/explore/explore.ts';

const runsDir = mkdtempSync(join(tmpdir(), 'chaoslab-explore-'));
afterAll(() => rmSync(runsDir, { recursive: true, force: true }));

describe('explore on a lab (the sim backend, the default)', () => {
  it('finds a broken promise of a bug variant, shrinks it and writes it as a scenario that expects it', { timeout: 240_000 }, async () => {
    const result = await explore({
      semantics: 'exactly-once',
      // A receive that does not claim its message breaks exactly-once wherever two receivers compete, fault or not:
      // the search must find it, confirm it and shrink the schedule away whatever the machine's speed. (Variants
      // that need a fault in the right few milliseconds belong in bench/explore.ts, not in a test.)
      bug: 'shared-receive',
      runs: 10,
      parallel: 1,
      seed: 1,
      maxOps: 40,
      shrinkMs: 60_000,
      runsDir,
    });
    expect(result.found).toBe(true);
    expect(result.violated.length).toBeGreaterThan(0);
    expect(result.windows.after).toBeLessThanOrEqual(result.windows.before);
    expect(result.ops.after).toBeLessThanOrEqual(result.ops.before);
    const source = readFileSync(result.scenarioFile!, 'utf8');
    expect(source).toContain(`'${result.violated[0]}': 'violated'`);
    expect(source).toContain("bug: 'shared-receive'");
    expect(existsSync(join(result.runDir!, 'report.html'))).toBe(true);
    // The replay runs where the trials ran: a sim find replays exactly there.
    expect(result.replay).toMatch(/npx chaoslab run explored-\S+ --backend sim --seed \d+$/);
  });
});
