import { isProgramModule, type LabNodeSpec } from '../lab.ts';
import { defaultPrograms, nodeNames, type Scenario } from '../scenario.ts';

export function programsOf(scenario: Scenario, name: string): string[] {
  return scenario.nodes.programs?.[name] ?? defaultPrograms(name);
}

/** What the harness asks of a node: a program module of the user's keeps a log (it serves `log.read`). */
export function rolesOf(scenario: Scenario, name: string): string[] {
  return programsOf(scenario, name).map((program) => (isProgramModule(program) ? 'log' : program));
}

/** The scenario's nodes that play one of the roles. */
export function nodesWithRole(scenario: Scenario, ...wanted: string[]): string[] {
  return nodeNames(scenario.nodes.count).filter((name) => rolesOf(scenario, name).some((role) => wanted.includes(role)));
}

/**
 * Each client call may take this long before the client node reports it indeterminate: long enough for
 * retransmissions to outlast a crashed node's restart on a loaded machine. Scenarios may set their own.
 */
const CLIENT_DEADLINE_MS = 20_000;

/** The lab's nodes for a scenario: programs, configuration (each node's seed drawn from the run's), command, image. */
export function labNodes(scenario: Scenario, seed: number): LabNodeSpec[] {
  const { semantics, bug, config, configOf, command, commandOf, image, imageOf } = scenario.nodes;
  return nodeNames(scenario.nodes.count).map((name, i) => {
    const own = configOf?.[name] ?? {};
    const options = { deadlineMs: CLIENT_DEADLINE_MS, ...(config?.options as object), ...(own.options as object), seed: seed + i };
    const server = !programsOf(scenario, name).includes('client');
    const ownCommand = commandOf?.[name] ?? (server ? command : undefined);
    const ownImage = imageOf?.[name] ?? (server ? image : undefined);
    return {
      name,
      programs: programsOf(scenario, name),
      config: { semantics, ...(bug ? { bug } : {}), ...config, ...own, options },
      ...(ownCommand ? { command: ownCommand } : {}),
      ...(ownImage ? { image: ownImage } : {}),
    };
  });
}
