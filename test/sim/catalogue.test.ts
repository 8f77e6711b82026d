import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadCatalogue } from '../../harness/catalogue.ts';
import { runScenario } from '../../harness/run.ts';
import type { Guarantee } from '../../harness/scenario.ts';
import '../../harness/vitest.ts';

// Parity: every scenario of the catalogue gets on sim the verdicts it expects, which the process backend is held
// to by test/scenarios/catalogue.test.ts. A scenario the simulation cannot run is skipped, with its reason.
const runsDir = mkdtempSync(join(tmpdir(), 'chaoslab-sim-catalogue-'));
const catalogue = await loadCatalogue();
afterAll(() => rmSync(runsDir, { recursive: true, force: true }));

describe('the scenario catalogue on sim', () => {
  for (const scenario of catalogue) {
    it(scenario.name, async ({ skip }) => {
      const run = await runScenario(scenario, { backend: 'sim', seed: 7, runsDir, report: false });
      if (run.skipped) return skip(run.skipped);
      expect(run.error).toBeUndefined();
      for (const [guarantee, verdict] of Object.entries(scenario.expect)) {
        if (verdict === 'holds') expect(run).toKeep(guarantee as Guarantee);
        else expect(run).toViolate(guarantee as Guarantee);
      }
      expect(run.ok).toBe(true);
    }, 60_000);
  }
});
