import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { findScenarios, replayTarget, scenariosDir } from '../../harness/catalogue.ts';

// A project's own scenarios, found the way `chaoslab run` and `list` find them: the project's scenarios/ folder
// next to the built-in catalogue, name patterns, files and folders; a broken file is listed, never fatal.

const repo = join(import.meta.dirname, '..', '..');
const bin = join(repo, 'harness', 'cli', 'bin.mjs');
const api = JSON.stringify(join(repo, 'harness', 'index.ts'));
let project: string;

const quick = (extra = '') => `import { defineScenario } from ${api};
export default defineScenario({
  ${extra}
  description: 'ten appends, no fault',
  nodes: { count: 2, semantics: 'exactly-once' },
  workload: { ops: 10, concurrency: 2 },
  expect: { 'exactly-once': 'holds' },
});
`;

beforeAll(() => {
  project = mkdtempSync(join(tmpdir(), 'chaoslab-project-'));
  writeFileSync(join(project, 'package.json'), JSON.stringify({ type: 'module' }));
  mkdirSync(join(project, 'scenarios'));
  mkdirSync(join(project, 'elsewhere'));
  // Named after its file: no `name`.
  writeFileSync(join(project, 'scenarios', 'quick-one.ts'), quick());
  // A typo in an import.
  writeFileSync(join(project, 'scenarios', 'typo.ts'), quick().replace('index.ts', 'indx.ts'));
  // The project's own version of a built-in scenario.
  writeFileSync(join(project, 'scenarios', 'lost-reply-exactly-once.ts'), quick());
  writeFileSync(join(project, 'elsewhere', 'far-away.ts'), quick());
  // A helper module, not a scenario.
  writeFileSync(join(project, 'scenarios', '_shared.ts'), 'export const ops = 10;\n');
});

afterAll(() => rmSync(project, { recursive: true, force: true }));

const cwd = process.cwd();
afterEach(() => process.chdir(cwd));

describe('finding scenarios', () => {
  it('lists the catalogue and the project folder, a broken file with its error, the project winning a shared name', async () => {
    process.chdir(project);
    const sources = await findScenarios([]);
    const byName = new Map(sources.map((source) => [source.name, source]));
    expect(byName.get('baseline-exactly-once')?.builtIn).toBe(true);
    expect(byName.get('quick-one')?.scenario?.name).toBe('quick-one');
    expect(byName.get('typo')?.scenario).toBeUndefined();
    expect(byName.get('typo')?.error).toMatch(/indx\.ts/);
    const replaced = sources.filter((source) => source.name === 'lost-reply-exactly-once');
    expect(replaced).toHaveLength(1);
    expect(replaced[0]!.builtIn).toBe(false);
    expect(replaced[0]!.replaces).toBe(join(scenariosDir, 'lost-reply.ts'));
    expect(replaced[0]!.scenario?.description).toBe('ten appends, no fault');
    // Outside the project folder, only when asked.
    expect(byName.has('far-away')).toBe(false);
  });

  it('selects by name pattern, file and folder', async () => {
    process.chdir(project);
    const names = async (targets: string[]) => (await findScenarios(targets)).map((source) => source.name);
    expect(await names(['quick-*'])).toEqual(['quick-one']);
    expect(await names(['lost-reply-*'])).toContain('lost-reply-at-least-once');
    expect(await names(['elsewhere/far-away.ts'])).toEqual(['far-away']);
    expect(await names(['./elsewhere'])).toEqual(['far-away']);
    expect((await names(['scenarios/'])).sort()).toEqual(['lost-reply-exactly-once', 'quick-one', 'typo']);
    await expect(names(['no-such-*'])).rejects.toThrow(/no scenario "no-such-\*"/);
    // Another project folder instead of ./scenarios, with the catalogue still there.
    const elsewhere = await findScenarios([], { scenariosDir: 'elsewhere' });
    expect(elsewhere.map((source) => source.name)).toEqual(expect.arrayContaining(['far-away', 'baseline-exactly-once']));
    expect(elsewhere.map((source) => source.name)).not.toContain('quick-one');
    await expect(findScenarios([], { scenariosDir: 'nowhere' })).rejects.toThrow(/no scenario folder nowhere/);
  });

  it('replays by name what the default search finds, by path anything else', async () => {
    process.chdir(project);
    const [far] = await findScenarios(['elsewhere/far-away.ts']);
    expect(replayTarget(far!.scenario!)).toBe('./elsewhere/far-away.ts');
    const [one] = await findScenarios(['quick-one']);
    expect(replayTarget(one!.scenario!)).toBe('quick-one');
    const [builtIn] = await findScenarios(['baseline-exactly-once']);
    expect(replayTarget(builtIn!.scenario!)).toBe('baseline-exactly-once');
  });

  it('makes two project files of one name both broken', async () => {
    const dir = join(project, 'twins');
    mkdirSync(dir);
    writeFileSync(join(dir, 'a.ts'), quick("name: 'twin',"));
    writeFileSync(join(dir, 'b.ts'), quick("name: 'twin',"));
    process.chdir(project);
    const twins = await findScenarios(['twins']);
    expect(twins.map((source) => source.error)).toEqual([
      expect.stringMatching(/defines scenario "twin", as twins\/b\.ts does too/),
      expect.stringMatching(/defines scenario "twin", as twins\/a\.ts does too/),
    ]);
    rmSync(dir, { recursive: true });
  });
});

describe('a broken scenario file on the command line', () => {
  const chaoslab = (...args: string[]) =>
    promisify(execFile)(process.execPath, [bin, ...args], { cwd: project }).then(
      ({ stdout }) => ({ code: 0, stdout }),
      (error: { code: number; stdout: string }) => ({ code: error.code, stdout: error.stdout }),
    );

  it('is listed as broken with its error, next to every other scenario, and list exits 2', async () => {
    const { code, stdout } = await chaoslab('list', '--json');
    const listed = (JSON.parse(stdout) as { scenarios: { name: string; broken?: string }[] }).scenarios;
    expect(code).toBe(2);
    expect(listed.find((entry) => entry.name === 'typo')?.broken).toMatch(/indx\.ts/);
    expect(listed.filter((entry) => !entry.broken).length).toBeGreaterThanOrEqual(30);
  });

  it('fails a run of the folder naming the file, while the others run', async () => {
    const { code, stdout } = await chaoslab('run', 'scenarios', '--json', '--no-report', '--runs-dir', join(project, 'runs'));
    const outcomes = (JSON.parse(stdout) as { scenarios: { name: string; ok: boolean; error?: string; replay: string }[] }).scenarios;
    expect(code).toBe(2);
    expect(outcomes.find((outcome) => outcome.name === 'typo')?.error).toMatch(/scenarios\/typo\.ts is broken: .*indx\.ts/);
    expect(outcomes.find((outcome) => outcome.name === 'quick-one')).toMatchObject({ ok: true });
    expect(outcomes.find((outcome) => outcome.name === 'lost-reply-exactly-once')).toMatchObject({ ok: true });
  }, 120_000);
});
