import { isAbsolute, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Semantics } from '../nodes/config.ts';
import type { Bug } from '../nodes/semantics/settings.ts';
import type { Lab } from './lab.ts';
import type { FaultWindow } from './nemesis/fault.ts';
import type { FaultGenerator } from './nemesis/generate.ts';
import { scenarioProblems, type Guarantee, type ScenarioNodeConfig } from './scenario-schema.ts';
import type { Mix } from './workload/generator.ts';
import type { Rng } from './workload/rng.ts';

// The public scenario API: a scenario is one file in scenarios/ whose default export is defineScenario({...}).
export * from './nemesis/index.ts';

// The shapes below are checked strictly when a scenario is defined, by the schema in scenario-schema.ts, which
// the type checker holds to exactly these keys.
export type { Bug, Guarantee, Semantics };
export { guarantees, type ScenarioNodeConfig } from './scenario-schema.ts';
export type Expectation = 'holds' | 'violated';

export interface NodesSpec {
  /** How many nodes: n1 .. nN. n1 runs the workload's client; the others serve (`log`, `consumer`). */
  count: number;
  semantics: Semantics;
  /** A bug-zoo variant (docs/SEMANTICS.md), applied to every node. */
  bug?: Bug;
  /** Programs per node name, replacing the default roles for the nodes named. */
  programs?: Record<string, string[]>;
  /**
   * Extra node configuration for every node (mailboxCapacity, leaseMs, retransmit, options ...), as the node's own
   * schema (nodes/config.ts) takes it, less what the lab sets itself.
   */
  config?: ScenarioNodeConfig;
  /** Extra node configuration per node name, merged over `config`. */
  configOf?: Record<string, ScenarioNodeConfig>;
}

export interface WorkloadSpec {
  ops: number;
  concurrency: number;
  /** Operations per second over all processes (as fast as possible when absent). */
  rate?: number;
  /** Weights of operation kinds: `append` (RPC to the log service), `send` (1-way message). */
  mix?: Mix;
  /** Destination of 1-way sends (default n2's mailbox `inbox`). */
  mailbox?: { node: string; mbox: string };
  /** The harness's cap on one op, ms (default 30 s; the nodes' semantics decide long before). */
  opTimeoutMs?: number;
}

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

export interface ScenarioSpec {
  /** kebab-case `<failure>-<setting>`, e.g. `lost-reply-exactly-once`. */
  name: string;
  description: string;
  nodes: NodesSpec;
  workload: WorkloadSpec;
  /** A fault schedule written out, or drawn from the run's seed (randomFaults). */
  faults?: FaultWindow[] | FaultGenerator;
  /** The verdict expected per guarantee; only guarantees listed are checked. */
  expect: Partial<Record<Guarantee, Expectation>>;
  /**
   * The semantics promise delivery once faults heal: an op with an unknown outcome must have executed too
   * (at-least-once, exactly-once). Default: true unless the semantics is at-most-once.
   */
  eventual?: boolean;
  /** What the lab must offer; a scenario that cannot run on the chosen backend is reported skipped. */
  needs?: 'frame-toxics'[];
  /** Custom steps run next to the workload and the fault schedule (the escape hatch). */
  script?: (context: ScenarioContext) => Promise<void>;
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
