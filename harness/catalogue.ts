import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, extname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { isFamily } from './family.ts';
import { scenarioFile, scenarioFromFile, type Scenario } from './scenario.ts';

// Where scenarios come from: the built-in catalogue shipped with chaoslab, and the project's own scenario files
// (`scenarios/` of the current directory unless told otherwise). A project scenario with the name of a built-in
// one replaces it: a project can tune a built-in scenario under its own name, and a built-in scenario added by
// a later chaoslab version never breaks a project that already used its name.

/** The built-in catalogue: scenarios/ next to harness/ (TypeScript in a checkout, JavaScript in the package). */
export const scenariosDir = join(import.meta.dirname, '..', 'scenarios');

/** Where the project's own scenarios are looked for unless `--scenarios DIR` says otherwise. */
export const PROJECT_SCENARIOS_DIR = 'scenarios';

/** A scenario target that names nothing: bad input from whoever asked, with the names that do exist. */
export class ScenarioNotFound extends Error {
  override name = 'ScenarioNotFound';
  constructor(
    message: string,
    /** The name or pattern asked for, when it was one (not a path). */
    readonly pattern: string | undefined,
    readonly known: readonly string[],
  ) {
    super(message);
  }
}

/** One scenario file: its scenario, or why it could not be loaded. */
export interface ScenarioSource {
  /** The scenario's name; for a broken file, the file's name without extension. */
  name: string;
  file: string;
  builtIn: boolean;
  scenario?: Scenario;
  /** Why the file is broken (it does not load, or does not define a scenario that can run). */
  error?: string;
  /** The built-in scenario file this project scenario replaces. */
  replaces?: string;
}

export interface LoadOptions {
  /** Load the built-in catalogue (default true). */
  builtIn?: boolean;
  /** Folders of project scenario files (default: `scenarios/` of the current directory, when there is one). */
  dirs?: string[];
  /** Single scenario files. */
  files?: string[];
}

/** A script that is not a declaration; a name starting with `_` or `.` is a helper module, not a scenario. */
const SCENARIO_FILE = /^(?![_.])(?!.*\.d\.[cm]?ts$).*\.(ts|mts|js|mjs)$/;

/**
 * Every scenario file of the catalogue and the project, in that order, each in name order. A file that does not
 * load is listed as broken with its error, so that one typo never hides every other scenario.
 */
export async function loadScenarios(options: LoadOptions = {}): Promise<ScenarioSource[]> {
  const builtIn = options.builtIn === false ? [] : scenarioFiles(scenariosDir);
  const dirs = options.dirs ?? (existsSync(PROJECT_SCENARIOS_DIR) ? [PROJECT_SCENARIOS_DIR] : []);
  const seen = new Set(builtIn);
  const own = [...dirs.flatMap((dir) => scenarioFiles(resolve(dir))), ...(options.files ?? []).map((file) => resolve(file))].filter(
    (file) => !seen.has(file) && seen.add(file),
  );
  // One at a time: a CommonJS project's TypeScript files load through require(), which must not interleave.
  const builtInSources: ScenarioSource[] = [];
  for (const file of builtIn) builtInSources.push(...(await loadFile(file, true)));
  const ownSources: ScenarioSource[] = [];
  for (const file of own) ownSources.push(...(await loadFile(file, false)));
  markDuplicates(ownSources);
  // By scenario, not by file: a project scenario replaces one member of a built-in family, not the family.
  const replaced = new Set<ScenarioSource>();
  for (const source of ownSources) {
    const original = builtInSources.find((candidate) => candidate.name === source.name);
    if (original && source.scenario) {
      source.replaces = original.file;
      replaced.add(original);
    }
  }
  return [...builtInSources.filter((source) => !replaced.has(source)), ...ownSources];
}

/** The built-in catalogue alone; a broken file is an error (the catalogue ships whole). */
export async function loadCatalogue(dir = scenariosDir): Promise<Scenario[]> {
  const sources = (await Promise.all(scenarioFiles(dir).map((file) => loadFile(file, true)))).flat();
  const broken = sources.find((source) => source.error);
  if (broken) throw new Error(`${displayPath(broken.file)}: ${broken.error}`);
  return sources.map((source) => source.scenario!);
}

/** The named built-in scenarios (all when none named); an unknown name is an error that lists the known ones. */
export async function selectScenarios(names: string[], dir = scenariosDir): Promise<Scenario[]> {
  const catalogue = await loadCatalogue(dir);
  if (names.length === 0) return catalogue;
  return names.map((name) => {
    const scenario = catalogue.find((candidate) => candidate.name === name);
    if (!scenario) throw new Error(`no scenario "${name}"; known: ${catalogue.map((s) => s.name).join(', ')}`);
    return scenario;
  });
}

/**
 * What `chaoslab run` and `list` are asked for: each target is a scenario file or folder (it has a path
 * separator or a script extension, or is a folder here) or a name, where `*` and `?` are wildcards (`'lost-reply-*'`). No target
 * means every scenario of the catalogue and of the project folder.
 */
export async function findScenarios(targets: string[], options: { scenariosDir?: string } = {}): Promise<ScenarioSource[]> {
  const paths = targets.filter(isPathTarget).map((target) => resolve(target));
  for (const path of paths) if (!existsSync(path)) throw new ScenarioNotFound(`no scenario file or folder ${displayPath(path)}`, undefined, []);
  const dirs = paths.filter((path) => statSync(path).isDirectory());
  const files = paths.filter((path) => !dirs.includes(path));
  const projectDirs = options.scenariosDir === undefined ? undefined : [options.scenariosDir];
  if (projectDirs && !existsSync(projectDirs[0]!)) throw new ScenarioNotFound(`no scenario folder ${projectDirs[0]}`, undefined, []);
  const sources = await loadScenarios({
    dirs: [...(projectDirs ?? (existsSync(PROJECT_SCENARIOS_DIR) ? [PROJECT_SCENARIOS_DIR] : [])), ...dirs],
    files,
  });
  if (targets.length === 0) return sources;
  // In the order asked for (each pattern's matches in catalogue order), each scenario once.
  const selected = new Set<ScenarioSource>();
  for (const target of targets) {
    if (isPathTarget(target)) {
      const path = resolve(target);
      for (const source of sources) if (source.file === path || source.file.startsWith(path + sep)) selected.add(source);
      continue;
    }
    const matches = sources.filter((source) => matchesName(target, source.name));
    if (matches.length === 0) {
      const known = sources.map((source) => source.name);
      throw new ScenarioNotFound(`no scenario "${target}"; known: ${known.join(', ')}`, target, known);
    }
    for (const match of matches) selected.add(match);
  }
  return [...selected];
}

/**
 * How `chaoslab run` finds this scenario again: its name when the default discovery finds it (built-in, or in
 * `scenarios/` of the current directory), else its file's path.
 */
export function replayTarget(scenario: Scenario): string {
  const file = scenarioFile(scenario);
  if (file === undefined) return scenario.name;
  const dir = dirname(file);
  if (dir === scenariosDir || dir === resolve(PROJECT_SCENARIOS_DIR)) return scenario.name;
  const path = relative(process.cwd(), file);
  const shown = isAbsolute(path) || path.startsWith('.') ? path : `.${sep}${path}`;
  return /^[\w./\\:-]+$/.test(shown) ? shown : `'${shown.replace(/'/g, `'\\''`)}'`;
}

/** A path has a separator or a script extension, or is an existing folder (`chaoslab run scenarios`). */
function isPathTarget(target: string): boolean {
  if (target.includes('/') || target.includes(sep) || /\.(ts|mts|js|mjs)$/.test(target)) return true;
  return existsSync(target) && statSync(target).isDirectory();
}

function matchesName(pattern: string, name: string): boolean {
  if (!/[*?]/.test(pattern)) return pattern === name;
  const regex = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${regex}$`).test(name);
}

function scenarioFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((file) => SCENARIO_FILE.test(file))
    .sort()
    .map((file) => join(dir, file));
}

/** A file's scenarios: one, or a family's members; a file that does not load is one broken source. */
async function loadFile(file: string, builtIn: boolean): Promise<ScenarioSource[]> {
  const fileName = basename(file, extname(file));
  const broken = (error: string): ScenarioSource[] => [{ name: fileName, file, builtIn, error }];
  try {
    if (/\.m?ts$/.test(file)) await typeScriptLoader();
    const module = (await import(pathToFileURL(file).href)) as { default?: unknown };
    // A CommonJS project's TypeScript file arrives as CommonJS: its default export is under `default` again.
    const candidates = [module.default, (module.default as { default?: unknown } | undefined)?.default];
    const family = candidates.find(isFamily);
    if (family) {
      if (builtIn && family.failure !== fileName) return broken(`declares the family "${family.failure}": name the file after it`);
      return family.scenarios.map((scenario) => ({ name: scenario.name, file, builtIn, scenario: scenarioFromFile(scenario, file) }));
    }
    const exported = candidates.find(isScenario);
    if (!exported) {
      return broken('does not export default defineScenario({...}) or defineFamily({...})');
    }
    const scenario = scenarioFromFile(exported, file);
    if (builtIn && scenario.name !== fileName) return broken(`is named "${scenario.name}": name the file after it`);
    return [{ name: scenario.name, file, builtIn, scenario }];
  } catch (error) {
    return broken(error instanceof Error ? error.message : String(error));
  }
}

function isScenario(value: unknown): value is Scenario {
  return typeof value === 'object' && value !== null && typeof (value as Scenario).name === 'string' && 'expect' in value;
}

/** Two project files defining one name: neither can be told apart by name (or replayed by it), so both are broken. */
function markDuplicates(sources: ScenarioSource[]): void {
  const byName = new Map<string, ScenarioSource[]>();
  for (const source of sources) if (source.scenario) byName.set(source.name, [...(byName.get(source.name) ?? []), source]);
  for (const twins of byName.values()) {
    if (twins.length < 2) continue;
    for (const source of twins) {
      const others = twins.filter((other) => other !== source).map((other) => displayPath(other.file));
      source.error = `defines scenario "${source.name}", as ${others.join(', ')} does too: give each scenario its own name`;
      delete source.scenario;
    }
  }
}

let loader: Promise<void> | undefined;

/**
 * Project scenario files may be TypeScript. A checkout runs this very module through tsx, which loads them
 * already; the compiled package registers tsx the first time one is imported, for require() too: in a CommonJS
 * project (no `"type": "module"`) a .ts file is CommonJS, and Node alone would load it half through tsx.
 */
function typeScriptLoader(): Promise<void> {
  if (import.meta.url.endsWith('.ts')) return Promise.resolve();
  return (loader ??= Promise.all([import('tsx/cjs/api'), import('tsx/esm/api')]).then(([cjs, esm]) => {
    cjs.register();
    esm.register();
  }));
}

/** A path as a person typed it: relative to the current directory when under it. */
export function displayPath(file: string): string {
  const path = relative(process.cwd(), file);
  return path.startsWith('..') || isAbsolute(path) ? file : path;
}
