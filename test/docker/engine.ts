import { it } from 'vitest';
import { engineAnswers } from '../../harness/docker/engine.ts';

/**
 * Whether this file's docker tests can run. With CHAOSLAB_REQUIRE_DOCKER=1 (CI) a missing engine fails the file;
 * without it, the file reports once, by a passing test, that docker is unavailable (never it.skip).
 */
export async function dockerForTests(file: string): Promise<boolean> {
  if (await engineAnswers()) return true;
  if (process.env.CHAOSLAB_REQUIRE_DOCKER === '1') {
    it('a Docker engine answers (CHAOSLAB_REQUIRE_DOCKER=1)', () => {
      throw new Error(`${file}: no Docker engine answers; start one with docker/engine.sh start`);
    });
  } else {
    it(`reports that docker is unavailable (set CHAOSLAB_REQUIRE_DOCKER=1 to fail instead)`, () => {
      console.warn(`${file}: no Docker engine answers: docker tests not run (start one with docker/engine.sh start)`);
    });
  }
  return false;
}

/** Generous: a node image build on a loaded 2-core machine takes tens of seconds. */
export const BUILD_TIMEOUT_MS = 300_000;
