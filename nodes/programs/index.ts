import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Node } from '../node.ts';

// What a node runs, by name. Each file in this folder registers its programs when imported, so adding a
// program never touches this file: `chaoslab node --program NAME` loads them all, then starts the named ones.

export type ProgramStart = (node: Node) => Promise<void> | void;

const programs = new Map<string, ProgramStart>();
const programsDir = dirname(fileURLToPath(import.meta.url));

export function registerProgram(name: string, start: ProgramStart): void {
  if (programs.has(name)) throw new Error(`program '${name}' is already registered`);
  programs.set(name, start);
}

export function programNames(): string[] {
  return [...programs.keys()].sort();
}

let loaded: Promise<Map<string, Error>> | undefined;

/**
 * Import every program file next to this one, once. A file that fails to load only matters if one of its
 * programs is asked for, so failures are returned rather than thrown.
 */
export function loadPrograms(): Promise<Map<string, Error>> {
  return (loaded ??= importProgramFiles());
}

/** A bundled node imported every program file itself: there is no folder of sources to read at run time. */
export function programsBundled(): void {
  loaded = Promise.resolve(new Map());
}

async function importProgramFiles(): Promise<Map<string, Error>> {
  const failures = new Map<string, Error>();
  for (const file of programFiles()) {
    try {
      await import(pathToFileURL(join(programsDir, file)).href);
    } catch (error) {
      failures.set(file, error as Error);
    }
  }
  return failures;
}

/** The program files of this folder, in a fixed order. */
export function programFiles(): string[] {
  // TypeScript in a checkout, JavaScript in the published package.
  const extension = import.meta.url.endsWith('.ts') ? '.ts' : '.js';
  return readdirSync(programsDir).filter((f) => f.endsWith(extension) && !f.endsWith('.d.ts') && f !== `index${extension}`).sort();
}

/**
 * Start the named programs on a listening node, in order. Unknown names throw before anything starts. The folder
 * is imported only when a name is not registered yet: a host that imported its one program itself (the harness's
 * embedded name service) does not pay for loading all the others.
 */
export async function startPrograms(node: Node, names: string[]): Promise<void> {
  if (names.length === 0) return;
  const failures = names.every((name) => programs.has(name)) ? new Map<string, Error>() : await loadPrograms();
  const unknown = names.filter((name) => !programs.has(name));
  if (unknown.length > 0) {
    const broken = [...failures].map(([file, error]) => `\n  ${file} failed to load: ${error.message}`).join('');
    throw new Error(`unknown program(s): ${unknown.join(', ')}; known: ${programNames().join(', ')}${broken}`);
  }
  for (const name of names) {
    await programs.get(name)!(node);
    node.log('program-started', { program: name });
  }
}
