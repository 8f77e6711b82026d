import { createHash } from 'node:crypto';
import { accessSync, constants, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { programFiles } from '../nodes/programs/index.ts';

// chaoslab runs its TypeScript as it is (tsx), except where a start is paid again and again: a lab starts a
// node process per node and per restart, and every embedded proxy run in a worker thread starts the thread, and
// through tsx each spends most of a second compiling and resolving modules. Those two entries run as plain JavaScript bundles instead, which
// start in about a third of the time. A bundle is named by a hash of every source and the locked
// dependencies, so harnesses share it and it is built again (in about 0.3 s) only after a change.

const projectRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
/**
 * The published package is built at pack time with both bundles in it (dist/bundles/, next to dist/harness/):
 * an installed chaoslab builds nothing, needs no lock file and writes nothing, so a read-only install works.
 */
const shippedDir = join(projectRoot, 'bundles');
const SOURCE_DIRS = ['nodes', 'harness'].map((dir) => join(projectRoot, dir));
/** The sources' extension: TypeScript in a checkout, JavaScript in the published package (dist/). */
const ext = import.meta.url.endsWith('.ts') ? '.ts' : '.js';
/** A bundle no harness has used for this long belongs to sources that have since changed. */
const STALE_MS = 24 * 60 * 60 * 1000;

interface Entry {
  /** The entry module's source; imports resolve from `dir`. */
  contents: () => string;
  dir: string;
}

const entries = {
  /** `chaoslab node` (nodes/main.ts) with every program imported up front. */
  node: {
    dir: join(projectRoot, 'nodes'),
    contents: () =>
      [
        `import { programsBundled } from './programs/index${ext}';`,
        ...programFiles().map((file) => `import './programs/${file}';`),
        `import { runNode } from './main${ext}';`,
        `programsBundled();`,
        `await runNode(process.argv.slice(2));`,
      ].join('\n'),
  },
  /** The embedded proxy's worker thread. */
  'proxy-worker': {
    dir: join(projectRoot, 'harness', 'proxy'),
    contents: () => `import './worker${ext}';`,
  },
} satisfies Record<string, Entry>;

export type BundleName = keyof typeof entries;

const built = new Map<BundleName, Promise<string>>();
let sourcesHash: string | undefined;

/** The path of the named bundle, built first if the sources changed since it was last built. */
export function bundle(name: BundleName): Promise<string> {
  const shipped = join(shippedDir, `${name}.mjs`);
  if (existsSync(shipped)) return Promise.resolve(shipped);
  let path = built.get(name);
  if (!path) built.set(name, (path = findOrBuild(name)));
  return path;
}

async function findOrBuild(name: BundleName): Promise<string> {
  const dir = cacheDir();
  const path = join(dir, `${name}-${(sourcesHash ??= hashSources())}.mjs`);
  if (existsSync(path)) {
    touch(path);
    return path;
  }
  const code = await build(entries[name]);
  // Written aside and renamed: a harness starting from this file never sees half of it.
  const partial = `${path}.${process.pid}.partial`;
  writeFileSync(partial, code);
  renameSync(partial, path);
  removeStale(dir, name, path);
  return path;
}

/** Every bundle's name, for the package build. */
export const bundleNames = Object.keys(entries) as BundleName[];

/** Builds the named bundle from the sources (the package build writes it into dist/bundles/). */
export function buildBundle(name: BundleName): Promise<Uint8Array> {
  return build(entries[name]);
}

/**
 * The node program with program modules of the user's project added, each registered under its absolute path
 * (its default export is the program's start function: docs/YOUR-NODE.md). Built once per harness process and
 * set of files, since the user's files and what they import are not part of the sources hash.
 */
export function nodeBundleWith(programFiles: string[]): Promise<string> {
  const files = [...new Set(programFiles)].sort();
  const id = files.join('\0');
  let path = builtWithPrograms.get(id);
  if (!path) {
    // A failed build is not kept: the next run tries again, after the user fixed the module.
    path = buildWithPrograms(files).catch((error: unknown) => {
      builtWithPrograms.delete(id);
      throw error;
    });
    builtWithPrograms.set(id, path);
  }
  return path;
}

const builtWithPrograms = new Map<string, Promise<string>>();

async function buildWithPrograms(files: string[]): Promise<string> {
  const node = entries.node;
  const contents = () =>
    [
      `import { registerProgram } from './programs/index.ts';`,
      ...files.map((file, i) => `import * as program${i} from ${JSON.stringify(file)};`),
      ...files.map((file, i) => `registerProgram(${JSON.stringify(file)}, programStart(program${i}, ${JSON.stringify(file)}));`),
      `function programStart(module, file) {`,
      `  const start = module.default;`,
      `  if (typeof start === 'function') return start;`,
      `  return () => { throw new Error(\`program module \${file} must export default a function (node) => void | Promise<void>, got \${typeof start}\`); };`,
      `}`,
      node.contents(),
    ].join('\n');
  let code: Uint8Array;
  try {
    code = await build({ dir: node.dir, contents });
  } catch (error) {
    throw new Error(`cannot build the node with program module(s) ${files.join(', ')}: ${(error as Error).message}`);
  }
  const path = join(cacheDir(), `node-programs-${createHash('sha256').update(code).digest('hex').slice(0, 16)}.mjs`);
  if (!existsSync(path)) {
    const partial = `${path}.${process.pid}.partial`;
    writeFileSync(partial, code);
    renameSync(partial, path);
  } else {
    touch(path);
  }
  return path;
}

async function build(entry: Entry): Promise<Uint8Array> {
  const { build } = await import('esbuild');
  const result = await build({
    stdin: { contents: entry.contents(), resolveDir: entry.dir, sourcefile: 'entry.ts', loader: 'ts' },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    write: false,
    logLevel: 'silent',
    // Bundled CommonJS packages (commander) call require() for node's built-ins.
    banner: { js: `import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);` },
  });
  return result.outputFiles[0]!.contents;
}

function hashSources(): string {
  const hash = createHash('sha256');
  const lock = join(projectRoot, 'package-lock.json');
  for (const file of [...SOURCE_DIRS.flatMap(sourceFiles), ...(existsSync(lock) ? [lock] : [])]) {
    hash.update(relative(projectRoot, file)).update('\0').update(readFileSync(file)).update('\0');
  }
  return hash.digest('hex').slice(0, 16);
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((entry) => {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) return sourceFiles(path);
      return /\.(ts|mjs|js)$/.test(entry.name) && !entry.name.endsWith('.d.ts') ? [path] : [];
    });
}

function cacheDir(): string {
  for (const dir of [join(projectRoot, 'node_modules', '.cache', 'chaoslab'), join(tmpdir(), 'chaoslab-cache')]) {
    try {
      mkdirSync(dir, { recursive: true });
      accessSync(dir, constants.W_OK);
      return dir;
    } catch {
      // not writable (a read-only install): try the next
    }
  }
  throw new Error('no writable cache dir for the bundled node program and proxy thread');
}

/** Marks the bundle as in use, so that no other harness removes it as stale. */
function touch(path: string): void {
  try {
    const now = new Date();
    utimesSync(path, now, now);
  } catch {
    // read-only: nobody removes it either
  }
}

function removeStale(dir: string, name: BundleName, keep: string): void {
  for (const file of readdirSync(dir)) {
    const path = join(dir, file);
    if (!(file.startsWith(`${name}-`) || file.startsWith('node-programs-')) || path === keep) continue;
    try {
      if (Date.now() - statSync(path).mtimeMs > STALE_MS) rmSync(path, { force: true });
    } catch {
      // another harness removed it first
    }
  }
}
