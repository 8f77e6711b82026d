import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { selectScenarios } from '../../harness/catalogue.ts';
import { runScenario } from '../../harness/run.ts';
import { BUILD_TIMEOUT_MS, dockerForTests } from './engine.ts';

/**
 * A few built-in scenarios on containers, one per kind of fault the docker backend maps differently from
 * processes: none (the baseline), a proxy toxic on a reply, and a node crash and restart on its volume. The
 * whole catalogue runs on docker in CI (.ci/run).
 */
const SCENARIOS = ['baseline-exactly-once', 'lost-reply-at-least-once', 'receiver-crash-exactly-once'];

if (await dockerForTests('scenarios.test.ts')) {
  describe('scenarios on --backend docker', () => {
    const runsDir = mkdtempSync(join(tmpdir(), 'chaoslab-docker-runs-'));
    afterAll(() => rmSync(runsDir, { recursive: true, force: true }));

    for (const name of SCENARIOS) {
      it(`${name} gives its expected verdicts`, { timeout: BUILD_TIMEOUT_MS + 120_000 }, async () => {
        const [scenario] = await selectScenarios([name]);
        const outcome = await runScenario(scenario!, { backend: 'docker', seed: 7, runsDir });
        expect(outcome.error).toBeUndefined();
        expect(outcome.skipped).toBeUndefined();
        expect(outcome.observed, `replay: ${outcome.replay}`).toMatchObject(outcome.expected);
        expect(outcome.ok).toBe(true);
      });
    }
  });
}
