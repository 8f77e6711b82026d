import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Backend, NodeProgram } from '../backends/backend.ts';

/** What one node of a lab runs and how it behaves; everything else about it is the backend's business. */
export interface LabNodeSpec {
  name: string;
  /**
   * Programs by name, or program modules of the user's project by path (see isProgramModule), resolved against
   * the current directory. With `command` or `image` they are passed on to that node, which decides what they mean.
   */
  programs: string[];
  /** Node configuration fields (semantics, bug, retransmit, mailboxCapacity, options ...), passed as --config-json. */
  config?: Record<string, unknown>;
  /** The user's own node: an executable started instead of chaoslab's node, with the same arguments (process backend). */
  command?: string[];
  /** The user's own image, run instead of chaoslab's node image with the same arguments (docker backend). */
  image?: string;
}

/** A program named by a path (`./nodes/my-log.ts`, `/abs/x.ts`, `lib/y.mjs`) is a module of the user's project. */
export function isProgramModule(program: string): boolean {
  return /^\.{0,2}\//.test(program) || /\.(ts|mts|js|mjs)$/.test(program);
}

/**
 * The node's programs with modules named by their absolute path, and what runs the node (backend NodeSpec). A
 * scenario may name both a command and an image, so that it runs on either backend: each backend takes its own.
 */
export function nodeProgram(spec: LabNodeSpec, backend: Backend['name']): { programs: string[]; program?: NodeProgram } {
  const programs = spec.programs.map((program) => (isProgramModule(program) ? resolve(program) : program));
  const command = spec.command && (backend === 'process' || !spec.image) ? spec.command : undefined;
  if (command) {
    if (command.length === 0 || !command[0]) throw new Error(`node ${spec.name}: the command is empty`);
    return { programs, program: { kind: 'command', command } };
  }
  if (spec.image) return { programs, program: { kind: 'image', image: spec.image } };
  const files = programs.filter((program, i) => isProgramModule(spec.programs[i]!));
  for (const file of files) if (!existsSync(file)) throw new Error(`node ${spec.name}: program module ${file} does not exist`);
  return { programs, ...(files.length > 0 ? { program: { kind: 'modules', files } as const } : {}) };
}
