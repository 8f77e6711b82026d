import { selectScenarios } from './catalogue.ts';
import { FAILURES, SETTINGS, type Failure } from './promises.ts';
import type { FaultWindow, When } from './nemesis/fault.ts';
import { runScenario, type RunOptions } from './run.ts';
import type { ScenarioOutcome } from './outcome/index.ts';
import { defineScenario, nodeNames, defaultPrograms, type Bug, type Guarantee, type NodesSpec, type Scenario, type Semantics } from './scenario.ts';

// "Which guarantees does my node keep?": the failure x setting matrix of docs/SEMANTICS.md (harness/promises.ts),
// observed. Each cell is a catalogue scenario's workload and fault schedule, run with the row's setting against
// the node under test, and every delivery guarantee is checked (none is expected: the table is what was observed).

/** The matrix's columns: each failure is the fault schedule of the catalogue scenario harness/promises.ts names. */
export const matrixFailures = Object.fromEntries(Object.entries(FAILURES).map(([failure, { scenario }]) => [failure, scenario])) as {
  [F in Failure]: (typeof FAILURES)[F]['scenario'];
};
export type MatrixFailure = Failure;
export const failureNames = Object.keys(FAILURES) as MatrixFailure[];

/** The matrix's rows, in the order of docs/SEMANTICS.md. */
export const settingNames: Semantics[] = [...SETTINGS];

/** What each cell checks. */
export const matrixGuarantees = ['at-most-once', 'at-least-once', 'exactly-once'] as const satisfies Guarantee[];

/** The node under test, on every server (n2 and up); n1 is always chaoslab's client. */
export type NodeUnderTest =
  | { kind: 'built-in'; bug?: Bug }
  | { kind: 'program'; file: string }
  | { kind: 'command'; command: string[] };

export interface MatrixOptions extends Pick<RunOptions, 'backend' | 'toxiproxyUrl' | 'runsDir' | 'report' | 'seed'> {
  node: NodeUnderTest;
  failures?: MatrixFailure[];
  settings?: Semantics[];
  /** Ops per cell (default: the catalogue scenario's); at least enough for its last fault to start. */
  ops?: number;
  /** Cells run at once (default 2). */
  parallel?: number;
  onProgress?: (line: string) => void;
}

export interface MatrixCell {
  failure: MatrixFailure;
  setting: Semantics;
  outcome: ScenarioOutcome;
}

/** Runs every cell, a bounded number at a time; cells keep the table's order whichever finishes first. */
export async function runMatrix(options: MatrixOptions): Promise<MatrixCell[]> {
  const failures = options.failures ?? failureNames;
  const settings = options.settings ?? settingNames;
  const bases = await selectScenarios(failures.map((failure) => matrixFailures[failure]));
  const plan = failures.flatMap((failure, i) =>
    settings.map((setting) => ({ failure, setting, scenario: cellScenario(bases[i]!, failure, setting, options) })),
  );
  const cells: MatrixCell[] = new Array(plan.length);
  let next = 0;
  const runner = async () => {
    for (let i = next++; i < plan.length; i = next++) {
      const { failure, setting, scenario } = plan[i]!;
      const outcome = await runScenario(scenario, {
        backend: options.backend,
        seed: options.seed,
        toxiproxyUrl: options.toxiproxyUrl,
        runsDir: options.runsDir,
        report: options.report,
        onProgress: (line) => options.onProgress?.(`[${i + 1}/${plan.length}] ${line}`),
      });
      cells[i] = { failure, setting, outcome };
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, options.parallel ?? 2) }, runner));
  return cells;
}

/** One cell: the catalogue scenario's workload and faults, under `setting`, against the node under test. */
export function cellScenario(base: Scenario, failure: MatrixFailure, setting: Semantics, options: Pick<MatrixOptions, 'node' | 'ops'>): Scenario {
  if (typeof base.faults === 'function') throw new Error(`${base.name}: a drawn fault schedule cannot be a matrix column`);
  const fewest = fewestOps(base.faults ?? []);
  if (options.ops !== undefined && options.ops < fewest) {
    throw new Error(`${failure}: at least ${fewest} ops, so that its last fault starts (${base.name} starts one at op ${fewest - 10})`);
  }
  return defineScenario({
    name: `matrix-${failure}-${setting}`,
    description: `${base.description} (matrix cell: ${failure} under ${setting})`,
    nodes: nodesUnderTest(base.nodes, setting, options.node),
    workload: { ...base.workload, ops: options.ops ?? base.workload.ops },
    faults: base.faults,
    expect: Object.fromEntries(matrixGuarantees.map((guarantee) => [guarantee, 'holds'])),
    eventual: setting !== 'at-most-once',
  });
}

function nodesUnderTest(base: NodesSpec, setting: Semantics, node: NodeUnderTest): NodesSpec {
  const { bug: _bug, command: _command, commandOf: _commandOf, ...nodes } = base;
  const servers = nodeNames(base.count).filter((name) => !(base.programs?.[name] ?? defaultPrograms(name)).includes('client'));
  switch (node.kind) {
    case 'built-in':
      return { ...nodes, semantics: setting, ...(node.bug ? { bug: node.bug } : {}) };
    case 'command':
      return { ...nodes, semantics: setting, command: node.command };
    case 'program':
      return { ...nodes, semantics: setting, programs: { ...base.programs, ...Object.fromEntries(servers.map((name) => [name, [node.file]])) } };
  }
}

/** The ops a run needs for every fault window to start: its latest op-count trigger, plus a few ops inside it. */
function fewestOps(windows: FaultWindow[]): number {
  const opsOf = (when: When | undefined) => (typeof when === 'object' ? when.ops : 0);
  return Math.max(0, ...windows.map((window) => opsOf(window.at))) + 10;
}
