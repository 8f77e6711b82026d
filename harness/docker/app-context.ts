import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

/** What goes into the node and proxy images: the programs' sources and the production dependencies. */
export const projectRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const SOURCE_DIRS = ['harness', 'nodes'];
const SOURCE_FILES = ['package.json', 'package-lock.json', 'tsconfig.json'];
export const dockerDir = join(projectRoot, 'docker');

interface LockedPackage {
  version?: string;
  integrity?: string;
  dev?: boolean;
}

/** Top-level node_modules folders of every non-dev package in the lock file (nested ones come with them). */
function productionPackages(): Array<[string, LockedPackage]> {
  const lock = JSON.parse(readFileSync(join(projectRoot, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, LockedPackage>;
  };
  return Object.entries(lock.packages).filter(([path, entry]) => path.startsWith('node_modules/') && !entry.dev);
}

function isTopLevel(path: string): boolean {
  return path.split('node_modules/').length === 2;
}

function sourceFiles(): string[] {
  const files: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile()) files.push(path);
    }
  };
  for (const dir of SOURCE_DIRS) walk(join(projectRoot, dir));
  return [...files, ...SOURCE_FILES.map((file) => join(projectRoot, file))].sort();
}

/** A digest of everything the app layer holds, so that an unchanged tree maps to an existing tag. */
export function appInputsHash(extra: string[]): string {
  const hash = createHash('sha256');
  for (const part of extra) hash.update(part).update('\0');
  for (const file of sourceFiles()) hash.update(relative(projectRoot, file)).update('\0').update(readFileSync(file));
  for (const [path, entry] of productionPackages()) hash.update(`${path}@${entry.version}#${entry.integrity ?? ''}\n`);
  return hash.digest('hex').slice(0, 16);
}

/** Copy sources and production node_modules into `contextDir/app`, and the node Dockerfile next to it. */
export function writeAppContext(contextDir: string): void {
  const app = join(contextDir, 'app');
  for (const dir of SOURCE_DIRS) cpSync(join(projectRoot, dir), join(app, dir), { recursive: true });
  for (const file of SOURCE_FILES) cpSync(join(projectRoot, file), join(app, file));
  mkdirSync(join(app, 'node_modules'), { recursive: true });
  for (const [path] of productionPackages()) {
    const source = join(projectRoot, path);
    // Optional packages for other platforms are in the lock but not on disk.
    if (isTopLevel(path) && existsSync(source)) cpSync(source, join(app, path), { recursive: true, verbatimSymlinks: true });
  }
  cpSync(join(dockerDir, 'node.Dockerfile'), join(contextDir, 'Dockerfile'));
}
