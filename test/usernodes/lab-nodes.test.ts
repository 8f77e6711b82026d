import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { DockerBackend } from '../../harness/backends/docker.ts';
import { isProgramModule, nodeProgram } from '../../harness/lab.ts';
import { closeActiveLabs, runScenario } from '../../harness/run.ts';
import { defineScenario } from '../../harness/scenario.ts';

// How the lab decides what runs as a node: chaoslab's node, with the user's program modules, their command or
// their image; and the clear errors when that cannot run.

const example = fileURLToPath(new URL('../../examples/ts-program/my-log.ts', import.meta.url));
const runsDir = mkdtempSync(join(tmpdir(), 'chaoslab-lab-nodes-'));

afterAll(async () => {
  await closeActiveLabs();
  rmSync(runsDir, { recursive: true, force: true });
});

describe('what runs as a node', () => {
  it('tells program modules (paths) from program names', () => {
    for (const path of ['./nodes/my-log.ts', '../x.mjs', '/abs/y', 'lib/z.js']) expect(isProgramModule(path)).toBe(true);
    for (const name of ['log', 'consumer', 'client', 'name-service']) expect(isProgramModule(name)).toBe(false);
  });

  it("runs chaoslab's node with the modules, named by their absolute path", () => {
    const relativePath = `./${join('examples', 'ts-program', 'my-log.ts')}`;
    const run = nodeProgram({ name: 'n2', programs: ['consumer', relativePath] }, 'process');
    expect(run).toEqual({ programs: ['consumer', resolve(relativePath)], program: { kind: 'modules', files: [resolve(relativePath)] } });
    expect(nodeProgram({ name: 'n2', programs: ['log'] }, 'process')).toEqual({ programs: ['log'] });
    expect(() => nodeProgram({ name: 'n2', programs: ['./no/such.ts'] }, 'process')).toThrow(/program module .*no\/such\.ts does not exist/);
    expect(resolve(relativePath)).toBe(example);
  });

  it('takes the command on the process backend and the image on docker when a scenario gives both', () => {
    const spec = { name: 'n2', programs: ['log'], command: ['python3', 'node.py'], image: 'my-node:dev' };
    expect(nodeProgram(spec, 'process').program).toEqual({ kind: 'command', command: ['python3', 'node.py'] });
    expect(nodeProgram(spec, 'docker').program).toEqual({ kind: 'image', image: 'my-node:dev' });
    expect(() => nodeProgram({ name: 'n2', programs: [], command: [] }, 'process')).toThrow(/command is empty/);
  });

  it('the docker backend refuses a command or a module before touching the engine, naming what to give instead', async () => {
    const docker = new DockerBackend();
    const spec = { name: 'n2', args: [], logFile: join(runsDir, 'n2.log') };
    await expect(docker.startNode({ ...spec, program: { kind: 'command', command: ['python3', 'node.py'] } })).rejects.toThrow(/process backend only.*your own image/);
    await expect(docker.startNode({ ...spec, program: { kind: 'modules', files: [example] } })).rejects.toThrow(/process backend only/);
    await docker.close();
  });

  it('a command that cannot be started fails the run with its name', async () => {
    const scenario = defineScenario({
      name: 'missing-command',
      description: 'the servers are a command that does not exist',
      nodes: { count: 2, semantics: 'exactly-once', command: ['/no/such/node-binary'] },
      workload: { ops: 1, concurrency: 1 },
      expect: { 'exactly-once': 'holds' },
    });
    const run = await runScenario(scenario, { runsDir, report: false });
    expect(run.error).toMatch(/node n2: cannot start \/no\/such\/node-binary/);
  }, 60_000);
});
