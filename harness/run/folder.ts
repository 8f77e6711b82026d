import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** `runs/<yyyymmdd-hhmmss>-<scenario>`, created with its `nodes/`, with a counter when the same scenario ran twice in one second. */
export function createRunFolder(runsDir: string, scenario: string): string {
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  let dir = resolve(runsDir, `${stamp}-${scenario}`);
  for (let n = 2; existsSync(dir); n++) dir = resolve(runsDir, `${stamp}-${scenario}-${n}`);
  mkdirSync(join(dir, 'nodes'), { recursive: true });
  return dir;
}
