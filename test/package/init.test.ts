import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, expect, it } from 'vitest';

const bin = join(import.meta.dirname, '..', '..', 'harness', 'cli', 'bin.mjs');
const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

async function init(dir: string, ...args: string[]): Promise<string> {
  const { stdout } = await promisify(execFile)(process.execPath, [bin, 'init', ...args], { cwd: dir });
  return stdout;
}

function project(manifest: object): string {
  const dir = mkdtempSync(join(tmpdir(), 'chaoslab-init-'));
  dirs.push(dir);
  writeFileSync(join(dir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  return dir;
}

it('writes a scenario, a vitest test that runs it and an npm script', async () => {
  const dir = project({ name: 'p', scripts: { test: 'vitest run' } });
  const out = await init(dir, 'lost-reply-mine');
  expect(out).toMatch(/written scenarios\/lost-reply-mine\.ts/);
  expect(readFileSync(join(dir, 'scenarios', 'lost-reply-mine.ts'), 'utf8')).toMatch(/defineScenario\(/);
  const test = readFileSync(join(dir, 'test', 'lost-reply-mine.test.ts'), 'utf8');
  expect(test).toMatch(/from '\.\.\/scenarios\/lost-reply-mine\.js'/);
  expect(test).toMatch(/toKeep\('exactly-once'\)/);
  expect(JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).scripts).toEqual({ test: 'vitest run', chaoslab: 'chaoslab run' });
});

it('overwrites nothing that exists', async () => {
  const dir = project({ name: 'p', scripts: { chaoslab: 'my own' } });
  await init(dir);
  const scenario = join(dir, 'scenarios', 'lost-reply-example.ts');
  writeFileSync(scenario, '// mine\n');
  const out = await init(dir);
  expect(out).toMatch(/kept\s+scenarios\/lost-reply-example\.ts \(exists\)/);
  expect(out).toMatch(/kept\s+test\/lost-reply-example\.test\.ts \(exists\)/);
  expect(readFileSync(scenario, 'utf8')).toBe('// mine\n');
  expect(JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).scripts).toEqual({ chaoslab: 'my own' });
});

it('writes no package.json where there is none', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'chaoslab-init-'));
  dirs.push(dir);
  expect(await init(dir)).toMatch(/skipped package\.json \(no package\.json here/);
  expect(existsSync(join(dir, 'package.json'))).toBe(false);
});
