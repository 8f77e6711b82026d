import * as z from 'zod';
import { NodeConfig, Semantics } from '../nodes/config.ts';
import { BUGS } from '../nodes/semantics/settings.ts';
import { checkerNames } from './checkers/index.ts';
import { parseLink } from './lab.ts';
import type { Fault, FaultWindow } from './nemesis/fault.ts';
import type { FaultGenerator } from './nemesis/generate.ts';
import type { NodesSpec, ScenarioContext, ScenarioSpec, WorkloadSpec } from './scenario.ts';
import { closestName } from './suggest.ts';
import type { Mix } from './workload/generator.ts';
import type { FamilySpec, MemberSpec } from './family.ts';

// A scenario's data, checked strictly when its file is loaded: an unknown key anywhere is an error, because a key
// the harness ignores leaves the nodes on a default the author never chose (a misspelt setting shows up as a
// violation of a guarantee nobody configured, a misspelt fault moment as a fault that never starts). The fields
// are documented on the interfaces of scenario.ts; the type checker holds this schema to exactly their keys.

/** The guarantees a scenario may expect a verdict for: every checker but availability, which gives figures. */
/** A scenario's name is kebab-case: it names its file, its run folders and its replay command. */
export function isScenarioName(name: string): boolean {
  return /^[a-z0-9]+(-[a-z0-9]+)*$/.test(name);
}

export const guarantees = checkerNames.filter((name): name is Exclude<typeof name, 'availability'> => name !== 'availability');
export type Guarantee = (typeof guarantees)[number];

/**
 * The node configuration a scenario may set, checked by the node's own schema: everything but what the lab
 * decides itself (name, address, data folder, programs, name service).
 */
export const ScenarioNodeConfig = NodeConfig.omit({ id: true, host: true, port: true, data: true, programs: true, nameService: true }).partial();
export type ScenarioNodeConfig = z.input<typeof ScenarioNodeConfig>;

const NodesSchema = z.strictObject({
  count: z.number().int().min(2),
  semantics: Semantics,
  bug: z.enum(BUGS).optional(),
  programs: z.record(z.string(), z.array(z.string().min(1))).optional(),
  command: z.array(z.string().min(1)).min(1).optional(),
  commandOf: z.record(z.string(), z.array(z.string().min(1)).min(1)).optional(),
  image: z.string().min(1).optional(),
  imageOf: z.record(z.string(), z.string().min(1)).optional(),
  config: ScenarioNodeConfig.optional(),
  configOf: z.record(z.string(), ScenarioNodeConfig).optional(),
});

const MixSchema = z
  .strictObject({ append: z.number().min(0).optional(), send: z.number().min(0).optional(), receive: z.number().min(0).optional() })
  .refine((mix) => (mix.append ?? 0) + (mix.send ?? 0) + (mix.receive ?? 0) > 0, 'needs a weight above 0');

const WorkloadSchema = z.strictObject({
  ops: z.number().int().min(0),
  concurrency: z.number().int().min(1),
  rate: z.number().positive().optional(),
  mix: MixSchema.optional(),
  mailbox: z.strictObject({ node: z.string().min(1), mbox: z.string().min(1) }).optional(),
  opTimeoutMs: z.number().positive().optional(),
  receive: z.strictObject({ leaseMs: z.number().int().positive(), timeoutMs: z.number().int().min(0) }).optional(),
});

const isFunction = (value: unknown) => typeof value === 'function';

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;

const FaultSpec = z.custom<Fault>(
  (value) => isObject(value) && typeof value.kind === 'string' && isObject(value.target) && isFunction(value.start) && isFunction(value.stop),
  'must be a fault made by a harness/nemesis function, e.g. loseReplies(\'n1->n2\')',
);

/** Ms since the workload started, or the moment its Nth op is invoked (plus afterMs). */
const When = z.union([z.number().min(0), z.strictObject({ ops: z.number().int().min(0), afterMs: z.number().min(0).optional() })], {
  error: 'must be ms since the workload started (a number) or {ops: N, afterMs?: M}',
});

const FaultWindowSpec = z.strictObject({
  fault: FaultSpec,
  at: When,
  until: When.optional(),
  duration: z.number().min(0).optional(),
}) satisfies z.ZodType<FaultWindow>;

const ExpectSchema = z.partialRecord(z.enum(guarantees), z.enum(['holds', 'violated']));

const ScenarioSchema = z.strictObject({
  // Optional as written; defineScenario fills it in from the file's name before the check.
  name: z.string().refine(isScenarioName, 'must be kebab-case, e.g. lost-reply-exactly-once').optional(),
  description: z.string().min(1),
  nodes: NodesSchema,
  workload: WorkloadSchema,
  faults: z
    .union([z.array(FaultWindowSpec), z.custom<FaultGenerator>(isFunction, 'must be a list of fault windows or randomFaults({...})')])
    .optional(),
  expect: ExpectSchema,
  eventual: z.boolean().optional(),
  needs: z.array(z.enum(['frame-toxics', 'power-loss'])).optional(),
  script: z.custom<(context: ScenarioContext) => Promise<void>>(isFunction, 'must be an async function').optional(),
});

/** One member of a family: what differs from the family's shared data (harness/family.ts documents the fields). */
const MemberSchema = z.strictObject({
  description: z.string().min(1),
  nodes: NodesSchema.partial().optional(),
  workload: WorkloadSchema.optional(),
  faults: z.array(FaultWindowSpec).optional(),
  expect: ExpectSchema,
  eventual: z.boolean().optional(),
  needs: z.array(z.enum(['frame-toxics', 'power-loss'])).optional(),
});

const FamilySchema = z.strictObject({
  failure: z.string().refine(isScenarioName, 'must be kebab-case, e.g. lost-reply'),
  nodes: NodesSchema.omit({ semantics: true, bug: true }),
  workload: WorkloadSchema,
  faults: z.array(FaultWindowSpec).optional(),
  members: z
    .record(z.string().refine(isScenarioName, 'must be kebab-case, e.g. exactly-once'), MemberSchema)
    .refine((members) => Object.keys(members).length > 0, 'must have at least one member'),
});

/**
 * Every problem of a family's shared data and members, as `path: problem`, or none; each scenario it expands
 * into is then checked as a scenario is.
 */
export function familyProblems(spec: unknown): string[] {
  const parsed = FamilySchema.safeParse(spec, { error: suggestName });
  return parsed.success ? [] : flatten(parsed.error.issues).map(describe);
}

/**
 * The schema and the interfaces describe the same data: a key in one and not in the other, or a value one accepts
 * and the other does not, fails to type-check here (so a field added to an interface is added here too).
 */
type Agrees<Interface, Schema> = [Exclude<keyof Interface, keyof Schema>, Exclude<keyof Schema, keyof Interface>] extends [never, never]
  ? [Interface] extends [Schema]
    ? [Schema] extends [Interface]
      ? true
      : 'the schema accepts a value the interface does not'
    : 'the interface accepts a value the schema does not'
  : { onlyInInterface: Exclude<keyof Interface, keyof Schema>; onlyInSchema: Exclude<keyof Schema, keyof Interface> };
export const schemaAgreesWithInterfaces: [
  Agrees<ScenarioSpec, z.input<typeof ScenarioSchema>>,
  Agrees<NodesSpec, z.input<typeof NodesSchema>>,
  Agrees<WorkloadSpec, z.input<typeof WorkloadSchema>>,
  Agrees<Mix, z.input<typeof MixSchema>>,
  Agrees<FamilySpec, z.input<typeof FamilySchema>>,
  Agrees<MemberSpec, z.input<typeof MemberSchema>>,
] = [true, true, true, true, true, true];

/**
 * Every problem of a scenario's data, one per line as `path: problem`, or none. Beyond the shape: every node a
 * field names exists (n1 .. nN).
 */
export function scenarioProblems(spec: unknown): string[] {
  const parsed = ScenarioSchema.safeParse(spec, { error: suggestName });
  if (!parsed.success) {
    // Unknown keys first: a misspelt key also shows up as the real key missing, which the suggestion explains.
    const issues = flatten(parsed.error.issues);
    return [...issues.filter((issue) => issue.code === 'unrecognized_keys'), ...issues.filter((issue) => issue.code !== 'unrecognized_keys')].map(describe);
  }
  return crossChecks(parsed.data as ScenarioSpec);
}

/** What the shape alone cannot say: something is expected, and every node a field names exists (n1 .. nN). */
function crossChecks(spec: ScenarioSpec): string[] {
  const names = new Set(Array.from({ length: spec.nodes.count }, (_, i) => `n${i + 1}`));
  const problems: string[] = [];
  if (Object.keys(spec.expect).length === 0) problems.push(`expect: must name at least one guarantee (${guarantees.join(', ')})`);
  const check = (path: string, node: unknown) => {
    if (typeof node === 'string' && !names.has(node)) problems.push(`${path}: no node "${node}" (nodes: ${[...names].join(', ')})`);
  };
  for (const node of Object.keys(spec.nodes.programs ?? {})) check(`nodes.programs.${node}`, node);
  for (const field of ['configOf', 'commandOf', 'imageOf'] as const) {
    for (const node of Object.keys(spec.nodes[field] ?? {})) check(`nodes.${field}.${node}`, node);
  }
  check('workload.mailbox.node', spec.workload.mailbox?.node);
  if (Array.isArray(spec.faults)) {
    spec.faults.forEach((window, i) => {
      const target = window.fault.target;
      if (typeof target.link === 'string') {
        try {
          for (const end of parseLink(target.link)) check(`faults[${i}].fault (${target.link})`, end);
        } catch (error) {
          problems.push(`faults[${i}].fault: ${(error as Error).message}`);
        }
      }
      check(`faults[${i}].fault`, target.node);
      if (Array.isArray(target.groups)) for (const node of target.groups.flat()) check(`faults[${i}].fault`, node);
    });
  }
  return problems;
}

type Issue = z.core.$ZodIssue;

/** An unknown key or name says so, with the closest known one when one is near. */
function suggestName(issue: z.core.$ZodRawIssue): string | undefined {
  const didYouMean = (name: string, known: readonly string[]) => {
    const closest = closestName(name, known);
    return closest ? ` (did you mean "${closest}"?)` : '';
  };
  if (issue.code === 'unrecognized_keys') {
    // An object knows its keys by its shape; a record over an enum (expect) by the enum's options.
    const inst = issue.inst as { shape?: Record<string, unknown>; keyType?: { options?: unknown[] } } | undefined;
    const known = Object.keys(inst?.shape ?? {}).concat((inst?.keyType?.options ?? []).map(String));
    return issue.keys.map((key) => `unknown key "${key}"${didYouMean(key, known)}`).join('; ');
  }
  if (issue.code === 'invalid_value' && typeof issue.input === 'string') {
    const known = issue.values.map(String);
    return `"${issue.input}" is not one of ${known.join(', ')}${didYouMean(issue.input, known)}`;
  }
  return undefined;
}

/**
 * A union's own issue hides which alternative the author meant: the alternatives of the right type say what is
 * wrong inside; when none is of the right type, the union's message says what is expected.
 */
function flatten(issues: readonly Issue[], prefix: PropertyKey[] = []): Issue[] {
  return issues.flatMap((issue) => {
    const path = [...prefix, ...issue.path];
    if (issue.code !== 'invalid_union') return [{ ...issue, path }];
    const meant = issue.errors.filter((branch) => !branch.every((inner) => inner.code === 'invalid_type' && inner.path.length === 0));
    if (meant.length === 0) return [{ ...issue, path }];
    return flatten(meant.reduce((fewest, branch) => (branch.length < fewest.length ? branch : fewest)), path);
  });
}

function describe(issue: Issue): string {
  const path = issue.path.reduce<string>(
    (text, key) => (typeof key === 'number' ? `${text}[${key}]` : text ? `${text}.${String(key)}` : String(key)),
    '',
  );
  return `${path || '(scenario)'}: ${issue.message}`;
}
