import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

/** What goes into the node and proxy images: the programs' sources and the production dependencies. */
export const projectRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const SOURCE_DIRS = ['harness', 'nodes'];
const SOURCE_FILES = ['package.json', 'package-lock.json', 'tsconfig.json'];
export const dockerDir = join(projectRoot, 'docker');
export const NODE_DOCKERFILE = 'docker/node.Dockerfile';

/**
 * Production dependencies that nothing inside a container uses: the engine is driven from the host. Leaving
 * them (and what only they need) out halves the image.
 */
const HOST_ONLY_PACKAGES = ['testcontainers'];

interface LockedPackage {
  version?: string;
  integrity?: string;
  dev?: boolean;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
}

/** Lock entries (path, entry) of every package the containers' programs can load, found as node would. */
function containerPackages(): Array<[string, LockedPackage]> {
  const lock = JSON.parse(readFileSync(join(projectRoot, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, LockedPackage>;
  };
  const root = lock.packages[''] ?? {};
  const needed = new Map<string, LockedPackage>();
  const visit = (from: string, names: string[]): void => {
    for (const name of names) {
      const path = resolvePackage(lock.packages, from, name);
      if (path === undefined || needed.has(path)) continue;
      const entry = lock.packages[path]!;
      needed.set(path, entry);
      visit(path, dependencyNames(entry));
    }
  };
  visit('', Object.keys({ ...root.dependencies, ...root.optionalDependencies }).filter((name) => !HOST_ONLY_PACKAGES.includes(name)));
  return [...needed].sort(([a], [b]) => a.localeCompare(b));
}

function dependencyNames(entry: LockedPackage): string[] {
  return Object.keys({ ...entry.dependencies, ...entry.optionalDependencies, ...entry.peerDependencies });
}

/** Node's lookup: the nearest node_modules/NAME at or above the requiring package. */
function resolvePackage(packages: Record<string, LockedPackage>, from: string, name: string): string | undefined {
  let dir = from;
  for (;;) {
    const candidate = `${dir === '' ? '' : `${dir}/`}node_modules/${name}`;
    if (packages[candidate] !== undefined) return candidate;
    if (dir === '') return undefined;
    const cut = dir.lastIndexOf('/node_modules/');
    dir = cut === -1 ? '' : dir.slice(0, cut);
  }
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
  for (const [path, entry] of containerPackages()) hash.update(`${path}@${entry.version}#${entry.integrity ?? ''}\n`);
  return hash.digest('hex').slice(0, 16);
}

/**
 * The build context of the node image: the project folder itself, narrowed to these entries (sources, manifests,
 * production node_modules and the Dockerfile), so nothing is copied before the engine reads it.
 */
export function appContextEntries(): string[] {
  // Nested packages travel inside their parent's folder; optional ones for other platforms are not on disk.
  const packages = containerPackages()
    .map(([path]) => path)
    .filter((path) => isTopLevel(path) && existsSync(join(projectRoot, path)));
  return [NODE_DOCKERFILE, ...SOURCE_DIRS, ...SOURCE_FILES, ...packages];
}
