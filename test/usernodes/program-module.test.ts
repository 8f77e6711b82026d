import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { selectScenarios } from '../../harness/catalogue.ts';
import { closeActiveLabs, runScenario } from '../../harness/run.ts';
import type { Scenario } from '../../harness/scenario.ts';
import '../../harness/vitest.ts';

// A program module of the user's project, outside nodes/programs/, named by a path relative to the current
// directory: chaoslab's node imports it and runs its default export; the harness reads its log as any other.

const example = fileURLToPath(new URL('../../examples/ts-program/my-log.ts', import.meta.url));
const runsDir = mkdtempSync(join(tmpdir(), 'chaoslab-program-module-'));

afterAll(async () => {
  await closeActiveLabs();
  rmSync(runsDir, { recursive: true, force: true });
});

async function withServerProgram(program: string): Promise<Scenario> {
  const [scenario] = await selectScenarios(['lost-reply-exactly-once']);
  return { ...scenario!, nodes: { ...scenario!.nodes, programs: { n2: [program] } }, workload: { ...scenario!.workload, ops: 70 } };
}

describe('a program module of the user', () => {
  it('runs on the server, named by a path relative to the current directory, and keeps exactly-once', async () => {
    const path = `./${relative(process.cwd(), example)}`;
    const run = await runScenario(await withServerProgram(path), { runsDir, report: false });
    expect(run.error).toBeUndefined();
    const log = readFileSync(join(run.dir, 'nodes', 'n2.log'), 'utf8');
    expect(log).toContain(`"event":"program-started","program":${JSON.stringify(example)}`);
    expect(run).toKeep('exactly-once');
    expect(run.ops).toBe(70);
  }, 120_000);

  it('that does not export a start function fails the run with a message naming the contract', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'chaoslab-bad-program-'));
    try {
      const bad = join(dir, 'not-a-program.ts');
      writeFileSync(bad, 'export const start = 1;\n');
      const run = await runScenario(await withServerProgram(bad), { runsDir, report: false });
      expect(run.error).toMatch(/must export default a function/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);

  it('that does not exist is named before any node starts', async () => {
    const run = await runScenario(await withServerProgram('./no/such/program.ts'), { runsDir, report: false });
    expect(run.error).toMatch(/program module .*no\/such\/program\.ts does not exist/);
  }, 60_000);
});
