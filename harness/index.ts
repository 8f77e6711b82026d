// `chaoslab`: what a scenario file and a test import. Scenarios, every fault, running a scenario and reading its
// outcome; the CLI and the node runtime (`chaoslab/node`) have entry points of their own.
export {
  defineScenario,
  type Expectation,
  type Guarantee,
  type NodesSpec,
  type Scenario,
  type ScenarioContext,
  type ScenarioSpec,
  type Semantics,
  type WorkloadSpec,
} from './scenario.ts';
export { defineFamily, type Family, type FamilySpec, type MemberSpec } from './family.ts';
export * from './nemesis/index.ts';
export { closeActiveLabs, runScenario, type RunOptions } from './run.ts';
export { explore, type ExploreOptions, type ExploreResult } from './explore/explore.ts';
export type { BackendName, ScenarioOutcome } from './outcome/index.ts';
export { findScenarios, loadScenarios, type LoadOptions, type ScenarioSource } from './catalogue.ts';
export type { Result, Verdict } from './checkers/index.ts';
export type { Lab } from './lab.ts';
export type { Rng } from './random.ts';
export type { Mix } from './workload/generator.ts';
export type { CommandOutput, Shell, ShellCommand } from './shell.ts';
export type { Bug } from '../nodes/semantics/settings.ts';
