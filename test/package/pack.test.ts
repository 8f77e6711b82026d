import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// chaoslab as a user gets it: `npm pack`, installed from the tarball into a project outside this repository with
// no registry (npm's cache holds every dependency since this repository's `npm ci`), then used there through the
// CLI, vitest and the type checker.

const repo = join(import.meta.dirname, '..', '..');
let work: string;
let project: string;

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a command to its end; a non-zero exit is a result, not an exception. */
async function run(command: string, args: string[], cwd: string): Promise<Result> {
  // npm must never reach a registry here: offline, whatever the environment says.
  const env = { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0', npm_config_offline: 'true', npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false' };
  try {
    const { stdout, stderr } = await promisify(execFile)(command, args, { cwd, env, maxBuffer: 64 * 1024 * 1024 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof failed.code === 'number' ? failed.code : -1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? String(error) };
  }
}

async function succeed(command: string, args: string[], cwd: string): Promise<Result> {
  const result = await run(command, args, cwd);
  if (result.code !== 0) throw new Error(`${command} ${args.join(' ')} exited ${result.code}\n${result.stdout}\n${result.stderr}`);
  return result;
}

const chaoslab = (...args: string[]) => run('npx', ['--no-install', 'chaoslab', ...args], project);

/**
 * The project's manifest and lock: chaoslab from the tarball, vitest, TypeScript and Node's types as a
 * project would add them, and every other package locked at the version this repository's lock has, which is
 * what npm's cache holds. With a lock, `npm ci --offline` needs no registry metadata, only cached tarballs.
 */
function writeProject(dir: string, tarball: string): void {
  const lock = JSON.parse(readFileSync(join(repo, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, Record<string, unknown> & { dependencies?: Record<string, string>; devDependencies?: Record<string, string> }>;
  };
  const own = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as Record<string, unknown>;
  const root = lock.packages['']!;
  const devDependencies = Object.fromEntries(['vitest', 'typescript', '@types/node'].map((name) => [name, root.devDependencies![name]!]));
  const dependencies = { chaoslab: `file:${tarball}` };
  writeFileSync(join(dir, 'package.json'), `${JSON.stringify({ name: 'user-project', private: true, type: 'module', dependencies, devDependencies }, null, 2)}\n`);
  const packages: Record<string, unknown> = { '': { name: 'user-project', dependencies, devDependencies } };
  for (const [path, entry] of Object.entries(lock.packages)) {
    // The repository's own dev tools that a user's project does not have.
    if (path && path !== 'node_modules/playwright-core') packages[path] = entry;
  }
  packages['node_modules/chaoslab'] = {
    version: own.version,
    resolved: `file:${tarball}`,
    integrity: `sha512-${createHash('sha512').update(readFileSync(tarball)).digest('base64')}`,
    license: own.license,
    dependencies: own.dependencies,
    peerDependencies: own.peerDependencies,
    peerDependenciesMeta: own.peerDependenciesMeta,
    bin: own.bin,
    engines: own.engines,
  };
  writeFileSync(join(dir, 'package-lock.json'), JSON.stringify({ name: 'user-project', lockfileVersion: 3, requires: true, packages }, null, 2));
}

const write = (path: string, text: string) => {
  mkdirSync(join(project, path, '..'), { recursive: true });
  writeFileSync(join(project, path), text);
};

// The time limits here are generous safety nets, not expectations: `npm pack` compiles the whole package and
// the type checks run tsc twice, each of which takes minutes on a loaded 2-core machine.
beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'chaoslab-pack-'));
  // `npm pack` builds first (prepack), as it does for a publish.
  const packed = await succeed('npm', ['pack', '--pack-destination', work, '--silent'], repo);
  const tarball = join(work, packed.stdout.trim().split('\n').at(-1)!);
  project = join(work, 'project');
  mkdirSync(project);
  writeProject(project, tarball);
  await succeed('npm', ['ci', '--offline', '--ignore-scripts'], project);
}, 600_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('the installed package', () => {
  it('ships the build, the bin and the docs, and none of the repository own tests, benches or CI', async () => {
    const files = (await succeed('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], repo)).stdout;
    const paths = (JSON.parse(files) as { files: { path: string }[] }[])[0]!.files.map((file) => file.path);
    expect(paths).toContain('harness/cli/bin.mjs');
    expect(paths).toContain('dist/harness/index.d.ts');
    expect(paths).toContain('dist/bundles/node.mjs');
    expect(paths.filter((path) => /^(test|bench|\.ci|scenarios|nodes|harness\/(?!cli\/bin\.mjs))/.test(path))).toEqual([]);
  });

  it('scaffolds, lists and runs the built-in catalogue and the project scenarios from the CLI, and replays them', async () => {
    expect((await chaoslab('init')).stdout).toMatch(/written\s+scenarios\/lost-reply-example\.ts/);
    // A step of the project's own: a shell command against the lab, through zx.
    write(
      'scenarios/shell-step.ts',
      `import { defineScenario } from 'chaoslab';
export default defineScenario({
  description: 'a script step that finds n2 in its environment',
  nodes: { count: 2, semantics: 'exactly-once' },
  workload: { ops: 10, concurrency: 2 },
  expect: { 'exactly-once': 'holds' },
  script: async ({ $ }) => {
    const { stdout } = await $\`echo $CHAOSLAB_N2\`;
    if (!/^127\\.0\\.0\\.1:\\d+$/.test(stdout.trim())) throw new Error('no address for n2: ' + stdout);
  },
});
`,
    );
    write(
      'checks/far-away.ts',
      `import { defineScenario, crash } from 'chaoslab';
export default defineScenario({
  description: 'the server crashes and restarts',
  nodes: { count: 2, semantics: 'exactly-once' },
  workload: { ops: 30, concurrency: 2 },
  faults: [{ fault: crash('n2'), at: { ops: 10 }, duration: 200 }],
  expect: { 'exactly-once': 'holds' },
});
`,
    );

    const listed = await chaoslab('list', '--json');
    expect(listed.code).toBe(0);
    const names = (JSON.parse(listed.stdout) as { scenarios: { name: string }[] }).scenarios.map((entry) => entry.name);
    expect(names).toEqual(expect.arrayContaining(['baseline-exactly-once', 'lost-reply-example', 'shell-step']));

    type Outcome = { name: string; ok: boolean; seed: number; replay: string; dir: string; error?: string };
    const outcomes = (result: Result) => (JSON.parse(result.stdout) as { scenarios: Outcome[] }).scenarios;
    const ran = await chaoslab('run', 'lost-reply-example', 'shell-*', 'lost-reply-exactly-once', '--json', '--no-report');
    expect(ran.stderr).not.toMatch(/ERR|Error/);
    expect(outcomes(ran).map((outcome) => [outcome.name, outcome.ok, outcome.error])).toEqual([
      ['lost-reply-example', true, undefined],
      ['shell-step', true, undefined],
      ['lost-reply-exactly-once', true, undefined],
    ]);
    expect(ran.code).toBe(0);
    expect(outcomes(ran)[0]!.replay).toMatch(/^npx chaoslab run lost-reply-example --seed \d+$/);

    // Outside the default folder, the replay command names the file, and works.
    // A folder of CommonJS TypeScript (a project without "type": "module") loads too.
    write('cjs/package.json', JSON.stringify({ type: 'commonjs' }));
    write('cjs/common-js.ts', readFileSync(join(project, 'scenarios', 'shell-step.ts'), 'utf8'));
    expect(outcomes(await chaoslab('run', 'cjs', '--json', '--no-report'))).toMatchObject([{ name: 'common-js', ok: true }]);

    // With its report, whose page and chart library come from the package.
    const far = outcomes(await chaoslab('run', 'checks', '--json'));
    expect(far).toMatchObject([{ name: 'far-away', ok: true }]);
    expect(readFileSync(join(far[0]!.dir, 'report.html'), 'utf8')).toMatch(/far-away/);
    expect(far[0]!.replay).toBe(`npx chaoslab run ./checks/far-away.ts --seed ${far[0]!.seed}`);
    const [, , ...replayArgs] = far[0]!.replay.split(' ');
    const replayed = outcomes(await chaoslab(...replayArgs, '--json', '--no-report'));
    expect(replayed).toMatchObject([{ name: 'far-away', ok: true, seed: far[0]!.seed }]);
  }, 420_000);

  it("runs the project's scenarios under vitest with chaoslab/vitest's matchers", async () => {
    write(
      'test/matchers.test.ts',
      `import { expect, it } from 'vitest';
import { explore, runScenario } from 'chaoslab';
import 'chaoslab/vitest';
import scenario from '../scenarios/shell-step.js';

it('words each verdict, under .not too, and leaves vitest toSatisfy alone', async () => {
  const run = await runScenario(scenario, { report: false });
  expect(run).toKeep('exactly-once');
  expect(run).not.toViolate('exactly-once');
  expect(() => expect(run).not.toKeep('exactly-once')).toThrow(/shell-step \\(seed \\d+\\) not to keep exactly-once; observed holds/);
  expect(() => expect(run).toViolate('exactly-once')).toThrow(/to violate exactly-once; observed holds/);
  expect(() => expect(run).toKeep('at-most-once')).toThrow(/at-most-once was not checked/);
  expect(() => expect(run).not.toKeep('at-most-once')).toThrow(/not to keep at-most-once; at-most-once was not checked/);
  expect(7).toSatisfy((n: number) => n > 3);
}, 180_000);

it('explores from vitest: finds a schedule that breaks a promise, shrinks it and writes it as a scenario', async () => {
  const found = await explore({ semantics: 'exactly-once', bug: 'shared-receive', runs: 4, seed: 1, shrinkMs: 20_000, runsDir: 'runs' });
  expect(found.found).toBe(true);
  expect(found.violated.length).toBeGreaterThan(0);
  expect(found.scenarioFile).toMatch(/explored-.*-shared-receive\.ts$/);
}, 180_000);
`,
    );
    const tested = await run('npx', ['--no-install', 'vitest', 'run'], project);
    expect(`${tested.stdout}${tested.stderr}`).toMatch(/Tests\s+3 passed/);
    expect(tested.code).toBe(0);
  }, 420_000);

  it('type-checks the project with strict, under moduleResolution bundler and node16', async () => {
    // A node program written against chaoslab/node, next to the scenarios and tests above.
    write(
      'nodes/echo.ts',
      `import { defineService, registerProgram, serveService, z, type Node } from 'chaoslab/node';
const echo = defineService('echo', { say: { args: z.object({ text: z.string() }), result: z.object({ text: z.string() }) } });
registerProgram('echo', async (node: Node) => {
  await serveService(node, echo, { say: async ({ text }) => ({ text }) });
});
`,
    );
    for (const [moduleResolution, module] of [['bundler', 'preserve'], ['node16', 'node16']] as const) {
      const compilerOptions = { strict: true, noEmit: true, target: 'ES2022', module, moduleResolution, types: ['node'], skipLibCheck: false };
      write(`tsconfig.${moduleResolution}.json`, JSON.stringify({ compilerOptions, include: ['scenarios', 'checks', 'test', 'nodes'] }));
      const checked = await run('npx', ['--no-install', 'tsc', '-p', `tsconfig.${moduleResolution}.json`], project);
      expect(checked.stdout, moduleResolution).toBe('');
      expect(checked.code, moduleResolution).toBe(0);
    }
  }, 420_000);
});
