import { relative } from 'node:path';
import { Semantics } from '../nodes/config.ts';
import type { FaultWindow } from './nemesis/fault.ts';
import { familyProblems } from './scenario-schema.ts';
import { callerFile, InvalidScenario, scenarioOf, type NodesSpec, type Scenario, type ScenarioSpec, type WorkloadSpec } from './scenario.ts';

// A scenario family: one failure (a fault schedule and a workload) run under several delivery settings or bug
// variants, declared once in one file of scenarios/ as `export default defineFamily({...})`. The catalogue
// expands it into one scenario per member, named `<failure>-<member>` (`lost-reply-exactly-once`), so that a
// member runs, replays and is listed exactly as a scenario of its own file would be.

/** What a member changes of its family's shared data; everything else is the family's. */
export interface MemberSpec {
  description: string;
  /**
   * Merged over the family's nodes, key by key. `semantics` defaults to the member's key when that is a
   * setting (`exactly-once`); a bug variant (`no-reply-cache`) names its setting and `bug` here.
   */
  nodes?: Partial<NodesSpec>;
  /** Replaces the family's workload. */
  workload?: WorkloadSpec;
  /** Replaces the family's fault schedule (a longer window, a second cut). */
  faults?: FaultWindow[];
  expect: ScenarioSpec['expect'];
  eventual?: boolean;
  needs?: ScenarioSpec['needs'];
}

export interface FamilySpec {
  /** kebab-case; the file's name and the first part of every member's name. */
  failure: string;
  /** The nodes every member runs, less the setting and bug, which are the members'. */
  nodes: Omit<NodesSpec, 'semantics' | 'bug'>;
  workload: WorkloadSpec;
  faults?: FaultWindow[];
  /** By name suffix: a setting (`at-least-once`) or a bug variant (`no-reply-cache`). */
  members: Record<string, MemberSpec>;
}

export interface Family {
  readonly failure: string;
  readonly scenarios: readonly Scenario[];
  /** The member named `<failure>-<member>`; an unknown member is an error that lists the known ones. */
  member(member: string): Scenario;
}

/** Checks the family strictly and expands it; a mistake names the family, its file and the field. */
export function defineFamily(spec: FamilySpec, file = callerFile(defineFamily)): Family {
  const where = file ? ` (${relative(process.cwd(), file)})` : '';
  const problems = familyProblems(spec);
  if (problems.length > 0) throw new InvalidScenario(`family ${String(spec?.failure)}${where}: ${problems.join('; ')}`);
  const scenarios = Object.entries(spec.members).map(([key, member]) => scenarioOf(memberScenario(spec, key, member), file));
  const member = (key: string) => {
    const found = scenarios.find((scenario) => scenario.name === `${spec.failure}-${key}`);
    if (!found) throw new Error(`family ${spec.failure} has no member "${key}"; known: ${Object.keys(spec.members).join(', ')}`);
    return found;
  };
  return Object.freeze({ failure: spec.failure, scenarios: Object.freeze(scenarios), member });
}

/** By shape, not identity: a CommonJS project's scenario file may see another copy of this module. */
export function isFamily(value: unknown): value is Family {
  const family = value as Partial<Family> | null;
  return typeof family === 'object' && family !== null && typeof family.failure === 'string' && Array.isArray(family.scenarios);
}

function memberScenario(family: FamilySpec, key: string, member: MemberSpec): ScenarioSpec & { name: string } {
  const { nodes, workload, faults, ...rest } = member;
  const setting = Semantics.safeParse(key);
  return {
    name: `${family.failure}-${key}`,
    ...rest,
    nodes: { ...family.nodes, ...(setting.success ? { semantics: setting.data } : {}), ...nodes } as NodesSpec,
    workload: workload ?? family.workload,
    ...((faults ?? family.faults) ? { faults: faults ?? family.faults } : {}),
  };
}
