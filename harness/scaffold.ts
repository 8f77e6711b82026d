import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

// `chaoslab init`: a first scenario of the project's own, a vitest test that runs it and an npm script that runs
// every scenario, written into a project that has none of them. Nothing that exists is ever overwritten.

export interface ScaffoldStep {
  path: string;
  done: 'written' | 'kept' | 'added' | 'skipped';
  why?: string;
}

const SCRIPT = 'chaoslab';

export function scaffold(projectDir: string, name: string): ScaffoldStep[] {
  const scenario = join('scenarios', `${name}.ts`);
  const test = join('test', `${name}.test.ts`);
  return [
    writeNew(projectDir, scenario, scenarioSource()),
    writeNew(projectDir, test, testSource(name)),
    addScript(projectDir),
  ];
}

function writeNew(projectDir: string, path: string, text: string): ScaffoldStep {
  const file = join(projectDir, path);
  if (existsSync(file)) return { path, done: 'kept', why: 'exists' };
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text, { flag: 'wx' });
  return { path, done: 'written' };
}

function addScript(projectDir: string): ScaffoldStep {
  const path = 'package.json';
  const file = join(projectDir, path);
  if (!existsSync(file)) return { path, done: 'skipped', why: 'no package.json here (npm init makes one)' };
  const text = readFileSync(file, 'utf8');
  const manifest = JSON.parse(text) as { scripts?: Record<string, string> };
  if (manifest.scripts?.[SCRIPT] !== undefined) return { path, done: 'kept', why: `script "${SCRIPT}" exists` };
  manifest.scripts = { ...manifest.scripts, [SCRIPT]: 'chaoslab run' };
  const indent = /^[ \t]+/m.exec(text)?.[0] ?? '  ';
  writeFileSync(file, `${JSON.stringify(manifest, null, indent)}\n`);
  return { path, done: 'added', why: `script "${SCRIPT}": chaoslab run` };
}

function scenarioSource(): string {
  return `import { defineScenario, loseReplies } from 'chaoslab';

// One scenario: its nodes and their delivery setting, a workload, the faults and the verdict expected per
// guarantee. Its name is the file's name. \`npx chaoslab run <name>\` runs it; docs: node_modules/chaoslab/docs/SCENARIOS.md
export default defineScenario({
  description: "n2's replies to n1 are lost for 300 ms: retransmissions are answered from the reply cache.",
  nodes: { count: 2, semantics: 'exactly-once' },
  workload: { ops: 100, concurrency: 4 },
  faults: [{ fault: loseReplies('n1->n2'), at: { ops: 20 }, duration: 300 }],
  expect: { 'exactly-once': 'holds' },
});
`;
}

function testSource(name: string): string {
  return `import { expect, it } from 'vitest';
import { runScenario } from 'chaoslab';
import 'chaoslab/vitest';
import scenario from '../scenarios/${name}.js';

it('${name} keeps exactly-once', async () => {
  const run = await runScenario(scenario);
  // On failure the message gives the seed, the replay command and the run folder.
  expect(run).toKeep('exactly-once');
}, 120_000);
`;
}
