import { mkdtempSync, rmdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadCatalogue } from '../../harness/catalogue.ts';
import { closeActiveLabs, runScenario } from '../../harness/run.ts';
import type { Guarantee } from '../../harness/scenario.ts';
import '../../harness/vitest.ts';

// The regression suite: every scenario of the catalogue, on the process backend, gets its expected verdicts.
const runsDir = mkdtempSync(join(tmpdir(), 'chaoslab-catalogue-'));
const catalogue = await loadCatalogue();

afterAll(async () => {
  await closeActiveLabs();
  try {
    rmdirSync(runsDir); // only when every run passed: a failing run's folder stays for its replay and logs
  } catch {
    console.warn(`failing runs' folders are in ${runsDir}`);
  }
});

describe('the scenario catalogue', () => {
  for (const scenario of catalogue) {
    it(scenario.name, async ({ signal }) => {
      const run = await runScenario(scenario, { runsDir, report: false, signal });
      // A scenario that needs what processes cannot do (a power loss) is reported skipped with the reason, and
      // only such a scenario: test/sim/catalogue.test.ts holds it to its verdicts on the simulator.
      if (scenario.needs?.includes('power-loss')) {
        expect(run.skipped).toMatch(/needs power loss/);
        rmSync(run.dir, { recursive: true, force: true });
        return;
      }
      expect(run.skipped).toBeUndefined();
      expect(run.error).toBeUndefined();
      for (const [guarantee, verdict] of Object.entries(scenario.expect)) {
        if (verdict === 'holds') expect(run).toKeep(guarantee as Guarantee);
        else expect(run).toViolate(guarantee as Guarantee);
      }
      expect(run.ok).toBe(true);
      // A passing run's folder goes; a failing one stays for its replay command and logs.
      rmSync(run.dir, { recursive: true, force: true });
    }, 180_000);
  }
});
