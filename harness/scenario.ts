import { isAbsolute, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Lab } from './lab.ts';
import type { Rng } from './workload/rng.ts';
import { scenarioProblems, type ScenarioSpec } from './scenario-schema.ts';

// The public scenario API: a scenario is one file in scenarios/ whose default export is defineScenario({...}).
export * from './nemesis/index.ts';

export { guarantees, type Expectation, type Guarantee, type NodesSpec, type ScenarioSpec, type WorkloadSpec } from './scenario-schema.ts';
export type { Semantics } from '../nodes/config.ts';
export type { Bug } from '../nodes/semantics/settings.ts';

export interface ScenarioContext {
  lab: Lab;
  rng: Rng;
  /** Resolves when the workload has invoked its Nth op. */
  invoked(count: number): Promise<void>;
  /** Resolves when every op has been invoked. */
  allInvoked: Promise<void>;
  /** Records a custom step as a fault window in faults.jsonl; returns a function that records its end. */
  record(fault: string, target: Record<string, unknown>): () => void;
}

export type Scenario = Readonly<ScenarioSpec>;

/** A scenario whose data is wrong: the message names the scenario, its file and every bad field. */
export class InvalidScenario extends Error {
  override name = 'InvalidScenario';
}

/**
 * Checks a scenario's data strictly when its file is loaded (harness/scenario-schema.ts), so that a mistake
 * names the scenario, its file and the field, and never runs as a default nobody chose.
 */
export function defineScenario(spec: ScenarioSpec): Scenario {
  const problems = scenarioProblems(spec);
  if (problems.length > 0) {
    const name = typeof (spec as { name?: unknown })?.name === 'string' ? spec.name : '(unnamed)';
    const file = callerFile();
    throw new InvalidScenario(`scenario ${name}${file ? ` (${file})` : ''}: ${problems.join('; ')}`);
  }
  return Object.freeze({ ...spec });
}

/** The file that called defineScenario, read from the stack: scenarios are data, and data errors name their file. */
function callerFile(): string | undefined {
  // [0] the message, [1] callerFile, [2] defineScenario, [3] its caller.
  const frame = new Error().stack?.split('\n')[3];
  const location = frame?.match(/\((.*):\d+:\d+\)$/)?.[1] ?? frame?.match(/at (.*):\d+:\d+$/)?.[1];
  if (!location) return undefined;
  const path = location.startsWith('file://') ? fileURLToPath(location) : location;
  return isAbsolute(path) ? relative(process.cwd(), path) : path;
}

export function nodeNames(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `n${i + 1}`);
}

/** Default roles: n1 is the client, every other node keeps the log and consumes its mailbox. */
export function defaultPrograms(name: string): string[] {
  return name === 'n1' ? ['client'] : ['log', 'consumer'];
}
