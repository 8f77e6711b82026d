import type { Lab } from './lab.ts';
import type { FaultWindow } from './nemesis/fault.ts';
import type { FaultGenerator } from './nemesis/generate.ts';
import type { Mix } from './workload/generator.ts';
import type { Rng } from './workload/rng.ts';

// The public scenario API: a scenario is one file in scenarios/ whose default export is defineScenario({...}).
export * from './nemesis/index.ts';

export type Semantics = 'at-most-once' | 'at-least-once' | 'exactly-once-volatile' | 'exactly-once';
export type Guarantee = 'at-most-once' | 'at-least-once' | 'exactly-once' | 'integrity' | 'exclusive-receive' | 'clean-links';
export type Expectation = 'holds' | 'violated';

export interface NodesSpec {
  /** How many nodes: n1 .. nN. n1 runs the workload's client; the others serve (`log`, `consumer`). */
  count: number;
  semantics: Semantics;
  /** A bug-zoo variant (docs/SEMANTICS.md), applied to every node. */
  bug?: string;
  /** Programs per node name, replacing the default roles for the nodes named. */
  programs?: Record<string, string[]>;
  /** Extra node configuration for every node (mailboxCapacity, leaseMs, retransmit, options ...). */
  config?: Record<string, unknown>;
  /** Extra node configuration per node name, merged over `config`. */
  configOf?: Record<string, Record<string, unknown>>;
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

const kebab = /^[a-z0-9]+(-[a-z0-9]+)*$/;

/** Checks a scenario's data when its file is loaded, so that a mistake names the scenario and the field. */
export function defineScenario(spec: ScenarioSpec): Scenario {
  const problems: string[] = [];
  if (!kebab.test(spec.name)) problems.push(`name must be kebab-case, got "${spec.name}"`);
  if (!Number.isInteger(spec.nodes.count) || spec.nodes.count < 2) problems.push('nodes.count must be an integer >= 2');
  if (!Number.isInteger(spec.workload.ops) || spec.workload.ops < 0) problems.push('workload.ops must be an integer >= 0');
  if (!Number.isInteger(spec.workload.concurrency) || spec.workload.concurrency < 1) {
    problems.push('workload.concurrency must be an integer >= 1');
  }
  if (Object.keys(spec.expect).length === 0) problems.push('expect must name at least one guarantee');
  for (const [guarantee, verdict] of Object.entries(spec.expect)) {
    if (verdict !== 'holds' && verdict !== 'violated') problems.push(`expect['${guarantee}'] must be 'holds' or 'violated'`);
  }
  if (problems.length > 0) throw new Error(`scenario ${spec.name}: ${problems.join('; ')}`);
  return Object.freeze({ ...spec });
}

export function nodeNames(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `n${i + 1}`);
}

/** Default roles: n1 is the client, every other node keeps the log and consumes its mailbox. */
export function defaultPrograms(name: string): string[] {
  return name === 'n1' ? ['client'] : ['log', 'consumer'];
}
