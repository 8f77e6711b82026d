import { basename, extname, isAbsolute, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Semantics } from '../nodes/config.ts';
import type { Bug } from '../nodes/semantics/settings.ts';
import type { Shell } from './shell.ts';
import type { Lab } from './lab.ts';
import type { Capability, FaultWindow } from './nemesis/fault.ts';
import type { FaultGenerator } from './nemesis/generate.ts';
import { scenarioProblems, type Guarantee, type ScenarioNodeConfig } from './scenario-schema.ts';
import type { Mix } from './workload/generator.ts';
import type { Rng } from './random.ts';

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
  /**
   * Programs per node name, replacing the default roles for the nodes named. A path (`./nodes/my-log.ts`,
   * relative to the current directory) is a program module of yours, run by chaoslab's node (docs/YOUR-NODE.md).
   */
  programs?: Record<string, string[]>;
  /**
   * Your own node for the servers (every node not running `client`): an executable that speaks docs/PROTOCOL.md,
   * started with the same arguments as chaoslab's node (process backend), e.g. `['python3', 'node.py']`.
   */
  command?: string[];
  /** Your own node per node name, over `command` (a client node too, if it serves `workload`). */
  commandOf?: Record<string, string[]>;
  /** Your own image for the servers on the docker backend, run with the same arguments as chaoslab's node. */
  image?: string;
  /** Your own image per node name, over `image`. */
  imageOf?: Record<string, string>;
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
  /**
   * Weights of operation kinds: `append` (RPC to the log service), `send` (1-way message), `receive` (a competing
   * receiver on a client node takes a message from the mailbox under a lease and lets the lease expire).
   */
  mix?: Mix;
  /** Destination of 1-way sends and source of remote receives (default n2's mailbox `inbox`). */
  mailbox?: { node: string; mbox: string };
  /** Remote receives: the lease each takes and how long each waits for a message (default 200 ms, 100 ms). */
  receive?: { leaseMs: number; timeoutMs: number };
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
  /**
   * zx's `$`, for driving programs of your own against the lab: every node's direct address is in the
   * environment as `CHAOSLAB_<NODE>=host:port` (`CHAOSLAB_N1`, ...), with `CHAOSLAB_NODES` listing the names.
   * Commands run in the current directory, print nothing unless asked, and are killed when the run ends.
   */
  $: Shell;
}

export interface ScenarioSpec {
  /** kebab-case `<failure>-<setting>`, e.g. `lost-reply-exactly-once`; when absent, the file's name without extension. */
  name?: string;
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
  needs?: Capability[];
  /** Custom steps run next to the workload and the fault schedule (the escape hatch). */
  script?: (context: ScenarioContext) => Promise<void>;
}

export type Scenario = Readonly<ScenarioSpec & { name: string }>;

/** A scenario whose data is wrong: the message names the scenario, its file and every bad field. */
export class InvalidScenario extends Error {
  override name = 'InvalidScenario';
}

export { isScenarioName } from './scenario-schema.ts';

/** Where each scenario was defined, and whether its name came from that file's name. */
const origins = new WeakMap<Scenario, { file?: string; namedAfterFile: boolean }>();

/**
 * Checks a scenario's data strictly when its file is loaded (harness/scenario-schema.ts), so that a mistake
 * names the scenario, its file and the field, and never runs as a default nobody chose.
 */
export function defineScenario(spec: ScenarioSpec): Scenario {
  const file = callerFile();
  const given = (spec as { name?: unknown } | undefined)?.name;
  const name = given ?? (file ? basename(file, extname(file)) : undefined);
  if (name === undefined) throw new InvalidScenario('scenario: name is required where the defining file cannot be told');
  const scenario = checked({ ...spec, name } as ScenarioSpec & { name: string }, file);
  origins.set(scenario, { file, namedAfterFile: given === undefined });
  return scenario;
}

/** A scenario defined on behalf of `file` (a family's member): checked as defineScenario checks, named as given. */
export function scenarioOf(spec: ScenarioSpec & { name: string }, file: string | undefined): Scenario {
  const scenario = checked(spec, file);
  origins.set(scenario, { file, namedAfterFile: false });
  return scenario;
}

/**
 * The scenario as loaded from `file`: remembers the file (the replay command names it when a name is not enough),
 * and a scenario that took its name from where defineScenario was called takes this file's name instead.
 */
export function scenarioFromFile(scenario: Scenario, file: string): Scenario {
  const origin = origins.get(scenario);
  if (origin?.file === file) return scenario;
  const renamed = origin?.namedAfterFile ? checked({ ...scenario, name: basename(file, extname(file)) }, file) : scenario;
  origins.set(renamed, { file, namedAfterFile: origin?.namedAfterFile ?? false });
  return renamed;
}

/** The file that defined the scenario, when known. */
export function scenarioFile(scenario: Scenario): string | undefined {
  return origins.get(scenario)?.file;
}

function checked(spec: ScenarioSpec & { name: string }, file: string | undefined): Scenario {
  const problems = scenarioProblems(spec);
  if (problems.length > 0) {
    const name = typeof spec.name === 'string' ? spec.name : '(unnamed)';
    throw new InvalidScenario(`scenario ${name}${file ? ` (${relative(process.cwd(), file)})` : ''}: ${problems.join('; ')}`);
  }
  return Object.freeze({ ...spec });
}

/** The file of `of`'s caller, from V8's structured stack (a file path or URL, whichever ran it). */
export function callerFile(of: (...args: never[]) => unknown = defineScenario): string | undefined {
  const prepare = Error.prepareStackTrace;
  try {
    Error.prepareStackTrace = (_error, sites) => sites;
    const holder: { stack?: NodeJS.CallSite[] } = {};
    Error.captureStackTrace(holder, of);
    const name = holder.stack?.[0]?.getFileName() ?? undefined;
    // Code a loader compiled may run from a data: URL; only a file has a name to take.
    if (name?.startsWith('file:')) return fileURLToPath(name);
    return name && isAbsolute(name) ? name : undefined;
  } catch {
    return undefined;
  } finally {
    Error.prepareStackTrace = prepare;
  }
}

export function nodeNames(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `n${i + 1}`);
}

/** Default roles: n1 is the client, every other node keeps the log and consumes its mailbox. */
export function defaultPrograms(name: string): string[] {
  return name === 'n1' ? ['client'] : ['log', 'consumer'];
}
