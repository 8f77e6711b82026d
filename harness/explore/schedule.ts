import fc from 'fast-check';
import {
  corruptMessages,
  crash,
  cutWire,
  defineScenario,
  duplicateMessages,
  latency,
  loseMessages,
  loseReplies,
  partialMessages,
  partition,
  pause,
  powerLoss,
  reorderMessages,
  resetConnections,
  sliceMessages,
  stallConnections,
  type Bug,
  type Fault,
  type FaultWindow,
  type Guarantee,
  type Scenario,
  type Semantics,
} from '../scenario.ts';
import type { Capability } from '../nemesis/fault.ts';
import type { FaultPreset } from './presets.ts';
import type { ScheduleFacts } from '../promises.ts';
import { killsNode } from '../history/faults.ts';

/**
 * One trial of an explore, as plain data: the nodes, the workload and the fault windows. fast-check draws it and
 * shrinks it; `trialScenario` turns it into a scenario, `trialSource` into a scenario file. Nodes are referred to
 * by index modulo the node count, so that a trial stays valid when shrinking removes nodes.
 */
export interface Trial {
  /** The run's seed: workload bodies, proxy draws and retransmission jitter. */
  seed: number;
  /** Nodes running the workload's client (n1 .. nC) and nodes serving the log and a mailbox (the rest). */
  clients: number;
  servers: number;
  ops: number;
  concurrency: number;
  mix: { append: number; send: number; receive: number };
  windows: WindowSpec[];
}

export interface WindowSpec {
  kind: FaultKind;
  /** Indices of the nodes involved: a link `a->b`, a node `a`, or a partition of `a` from the rest. */
  a: number;
  b: number;
  /**
   * The window starts `afterMs` after an op is invoked: the op `atPercent` of the way through the ops invoked while
   * every workload process is busy, so that calls are in flight when it starts (see `placeWindows`).
   */
  atPercent: number;
  /**
   * The window starts at the op the window before it starts at (its own `atPercent` unused): failures come in
   * groups (Gill et al., SIGCOMM 2011), and a fault that stalls the workload (replies lost, a node down) keeps
   * the op count still, so a window anchored at a later op would only start once it healed and never meet it.
   */
  joins?: boolean;
  afterMs: number;
  durationMs: number;
  /** Loss, duplication, corruption and reordering probability. */
  probability: number;
}

/**
 * Every fault kind an explore draws, simplest first: fast-check shrinks a kind towards the start of this list.
 * `code` writes the same fault as a scenario file would, so that a found schedule can be committed as it ran.
 * Node faults are made by `faultOf`; a power loss is a crash whose disk also loses what was not fsynced, so it
 * comes last, after the crash a shrink tries first.
 */
const faultKinds = {
  'lose-messages': { link: true, make: (l: string, p: number) => loseMessages(l, { probability: p }), code: (l: string, p: number) => `loseMessages('${l}', { probability: ${p} })` },
  'lose-replies': { link: true, make: (l: string, p: number) => loseReplies(l, { probability: p }), code: (l: string, p: number) => `loseReplies('${l}', { probability: ${p} })` },
  latency: { link: true, make: (l: string) => latency(l, { ms: 150 }), code: (l: string) => `latency('${l}', { ms: 150 })` },
  'duplicate-messages': { link: true, make: (l: string, p: number) => duplicateMessages(l, { probability: p }), code: (l: string, p: number) => `duplicateMessages('${l}', { probability: ${p} })` },
  'reorder-messages': { link: true, make: (l: string, p: number) => reorderMessages(l, { probability: p }), code: (l: string, p: number) => `reorderMessages('${l}', { probability: ${p} })` },
  'cut-wire': { link: true, make: (l: string) => cutWire(l), code: (l: string) => `cutWire('${l}')` },
  'reset-connections': { link: true, make: (l: string) => resetConnections(l), code: (l: string) => `resetConnections('${l}')` },
  'partial-messages': { link: true, make: (l: string) => partialMessages(l), code: (l: string) => `partialMessages('${l}')` },
  'slice-messages': { link: true, make: (l: string) => sliceMessages(l), code: (l: string) => `sliceMessages('${l}')` },
  'stall-connections': { link: true, make: (l: string) => stallConnections(l), code: (l: string) => `stallConnections('${l}')` },
  'corrupt-messages': { link: true, make: (l: string, p: number) => corruptMessages(l, { probability: p }), code: (l: string, p: number) => `corruptMessages('${l}', { probability: ${p} })` },
  partition: { link: false, make: (n: string) => n, code: (n: string) => n },
  pause: { link: false, make: (n: string) => n, code: (n: string) => n },
  crash: { link: false, make: (n: string) => n, code: (n: string) => n },
  'power-loss': { link: false, make: (n: string) => n, code: (n: string) => n },
} as const;

export type FaultKind = keyof typeof faultKinds;
export const FAULT_KINDS = Object.keys(faultKinds) as FaultKind[];
const NODE_FAULTS: ReadonlySet<FaultKind> = new Set(['partition', 'pause', 'crash', 'power-loss']);

/** What a kind's faults need beyond what every backend offers: a fault of the kind says, on a two-node trial. */
function needsOf(kind: FaultKind): Capability | undefined {
  const trial: Trial = { seed: 0, clients: 1, servers: 1, ops: 10, concurrency: 1, mix: { append: 1, send: 0, receive: 0 }, windows: [] };
  const spec: WindowSpec = { kind, a: 0, b: 0, atPercent: 0, afterMs: 0, durationMs: MIN_DURATION_MS, probability: 1 };
  const target = NODE_FAULTS.has(kind) ? 'n1' : linkOf(trial, spec);
  return faultOf(trial, { spec, kind, target, atOp: 1, afterMs: 0, durationMs: MIN_DURATION_MS }).needs;
}

/** The fault kinds a trial may draw under a preset, on a backend offering `capabilities`. */
export function drawnKinds(preset: FaultPreset, capabilities: readonly Capability[]): FaultKind[] {
  return FAULT_KINDS.filter((kind) => {
    const needs = needsOf(kind);
    return (preset.nodeFaults || !NODE_FAULTS.has(kind)) && (needs === undefined || capabilities.includes(needs));
  });
}

/**
 * A window starts at most this long after its op is invoked: an op takes a few ms on a quiet lab, so a longer
 * delay would mostly start it after the workload's last calls, with nothing in flight to hit.
 */
const MAX_AFTER_MS = 50;

/**
 * A window lasts at least this long: several round trips and retransmission timeouts of the lab's calls, so a lost
 * reply or a crash meets calls in flight rather than falling between two of them.
 */
const MIN_DURATION_MS = 100;

/**
 * The arbitrary of trials under a fault preset, on a backend offering `capabilities`: a kind whose fault needs
 * one it lacks is never drawn (a power loss only where a disk can lose power: the simulator).
 */
export function trialArbitrary(
  preset: FaultPreset,
  { maxOps = 200, capabilities }: { maxOps?: number; capabilities: readonly Capability[] },
): fc.Arbitrary<Trial> {
  const kinds = drawnKinds(preset, capabilities);
  const window: fc.Arbitrary<WindowSpec> = fc.record({
    kind: fc.constantFrom(...kinds),
    a: fc.nat({ max: 7 }),
    b: fc.nat({ max: 7 }),
    atPercent: fc.integer({ min: 0, max: 99 }),
    // Shrinks towards false: a window on its own is the simpler story.
    joins: fc.boolean(),
    afterMs: fc.integer({ min: 0, max: MAX_AFTER_MS }),
    durationMs: fc.integer({ min: MIN_DURATION_MS, max: preset.maxDurationMs }),
    // Shrinks towards 1: a certain fault is the simpler story.
    probability: fc.integer({ min: Math.round(preset.minProbability * 20), max: Math.round(preset.maxProbability * 20) }).map(
      (twentieths) => (Math.round(preset.maxProbability * 20) + Math.round(preset.minProbability * 20) - twentieths) / 20,
      (p) => Math.round(preset.maxProbability * 20) + Math.round(preset.minProbability * 20) - Math.round((p as number) * 20),
    ),
  });
  return fc.record({
    seed: fc.nat(),
    clients: fc.integer({ min: 1, max: 2 }),
    servers: fc.integer({ min: 1, max: 3 }),
    ops: fc.integer({ min: 10, max: maxOps }),
    concurrency: fc.integer({ min: 1, max: 8 }),
    mix: fc
      .record({ append: fc.integer({ min: 0, max: 3 }), send: fc.integer({ min: 0, max: 3 }), receive: fc.integer({ min: 0, max: 2 }) })
      // A mix as written back is its own draw: fast-check can then shrink a trial it did not draw (see search).
      .map(
        (mix) => (mix.append + mix.send === 0 ? { ...mix, append: 1 } : mix),
        (mix) => mix as { append: number; send: number; receive: number },
      ),
    windows: fc.array(window, { minLength: 0, maxLength: preset.maxWindows }),
  });
}

export function nodeCount(trial: Trial): number {
  return trial.clients + trial.servers;
}

function name(index: number): string {
  return `n${index + 1}`;
}

/**
 * A link from a client node to a server node: the only links with traffic (clients call servers, never each other,
 * and a server's consumer records into its own node's log), so every link window meets calls.
 */
function linkOf(trial: Trial, spec: WindowSpec): string {
  return `${name(spec.a % trial.clients)}->${name(trial.clients + (spec.b % trial.servers))}`;
}

/**
 * The op a window starts at. The workload's processes take ops one after another, so from the first op until
 * `concurrency` ops before the end every process has a call out; after that the calls in flight dwindle.
 */
function startOp(trial: Trial, spec: WindowSpec): number {
  const busyOps = Math.max(1, trial.ops - trial.concurrency + 1);
  return 1 + Math.floor((spec.atPercent * busyOps) / 100);
}

interface PlacedWindow {
  spec: WindowSpec;
  kind: FaultKind;
  target: string;
  atOp: number;
  afterMs: number;
  durationMs: number;
}

/**
 * Where each window lands in this trial. Node faults on one node never overlap (a crashed node cannot be paused):
 * a later one starts after the earlier one ends, as far as a start in ms after an op allows, else it is dropped.
 */
function placeWindows(trial: Trial): PlacedWindow[] {
  const busyUntil = new Map<string, { atOp: number; endMs: number }>();
  const placed: PlacedWindow[] = [];
  let previousOp: number | undefined;
  for (const spec of trial.windows) {
    const atOp = spec.joins && previousOp !== undefined ? previousOp : startOp(trial, spec);
    previousOp = atOp;
    const count = nodeCount(trial);
    const node = name(spec.a % count);
    const target = NODE_FAULTS.has(spec.kind) ? node : linkOf(trial, spec);
    if (NODE_FAULTS.has(spec.kind)) {
      const busy = busyUntil.get(node);
      if (busy && (busy.atOp !== atOp || busy.endMs > spec.afterMs)) continue;
      busyUntil.set(node, { atOp, endMs: spec.afterMs + spec.durationMs });
    }
    placed.push({ spec, kind: spec.kind, target, atOp, afterMs: spec.afterMs, durationMs: spec.durationMs });
  }
  return placed;
}

function faultOf(trial: Trial, window: PlacedWindow): Fault {
  const kind = window.kind;
  if (kind === 'crash') return crash(window.target);
  if (kind === 'power-loss') return powerLoss(window.target);
  if (kind === 'pause') return pause(window.target);
  if (kind === 'partition') return partition(partitionGroups(trial, window.target));
  return (faultKinds[kind].make as (link: string, probability: number) => Fault)(window.target, window.spec.probability);
}

function faultCode(trial: Trial, window: PlacedWindow): string {
  const kind = window.kind;
  if (kind === 'crash') return `crash('${window.target}')`;
  if (kind === 'power-loss') return `powerLoss('${window.target}')`;
  if (kind === 'pause') return `pause('${window.target}')`;
  if (kind === 'partition') return `partition(${JSON.stringify(partitionGroups(trial, window.target)).replaceAll('"', "'")})`;
  return (faultKinds[kind].code as (link: string, probability: number) => string)(window.target, window.spec.probability);
}

function partitionGroups(trial: Trial, node: string): string[][] {
  const others = Array.from({ length: nodeCount(trial) }, (_, i) => name(i)).filter((other) => other !== node);
  return [[node], others];
}

/** The facts about a trial's schedule that what a setting promises depends on. */
export function scheduleFacts(trial: Trial): ScheduleFacts {
  const windows = placeWindows(trial);
  const crashed = windows.filter((w) => killsNode(w.kind)).map((w) => Number(w.target.slice(1)) - 1);
  return {
    senderCrash: crashed.some((i) => i < trial.clients),
    receiverCrash: crashed.some((i) => i >= trial.clients),
    duplicates: windows.some((w) => w.kind === 'duplicate-messages'),
  };
}

export interface TrialSetting {
  semantics: Semantics;
  bug?: Bug;
  /**
   * The user's own node for the servers: an executable speaking docs/PROTOCOL.md, told the setting it claims.
   * Its trials run appends only, the part of the contract every node serves (docs/YOUR-NODE.md: mailboxes are
   * optional).
   */
  command?: string[];
}

function programsOf(trial: Trial): Record<string, string[]> {
  const programs: Record<string, string[]> = {};
  for (let i = 0; i < nodeCount(trial); i++) programs[name(i)] = i < trial.clients ? ['client'] : ['log', 'consumer'];
  return programs;
}

function mixOf(trial: Trial, setting: TrialSetting): Record<string, number> {
  if (setting.command) return { append: 1 };
  return Object.fromEntries(Object.entries(trial.mix).filter(([, weight]) => weight > 0));
}

/**
 * An at-most-once call whose request or reply is lost waits for its deadline (no timer retransmits it): 1 s, as
 * the catalogue's at-most-once scenarios set, instead of the harness's 20 s, keeps such trials short.
 */
const AT_MOST_ONCE_CONFIG = { options: { deadlineMs: 1000 } };

/** The scenario a trial runs as; `expect` lists the guarantees the property looks at. */
export function trialScenario(trial: Trial, setting: TrialSetting, scenarioName: string, expect: Partial<Record<Guarantee, 'holds' | 'violated'>>): Scenario {
  const windows: FaultWindow[] = placeWindows(trial).map((window) => ({
    fault: faultOf(trial, window),
    at: { ops: window.atOp, afterMs: window.afterMs },
    duration: window.durationMs,
  }));
  return defineScenario({
    name: scenarioName,
    description: `explored: seed ${trial.seed}`,
    nodes: {
      count: nodeCount(trial),
      semantics: setting.semantics,
      ...(setting.bug ? { bug: setting.bug } : {}),
      programs: programsOf(trial),
      ...(setting.command ? { command: setting.command } : {}),
      ...(setting.semantics === 'at-most-once' ? { config: AT_MOST_ONCE_CONFIG } : {}),
    },
    workload: { ops: trial.ops, concurrency: trial.concurrency, mix: mixOf(trial, setting), mailbox: { node: name(trial.clients), mbox: 'inbox' } },
    faults: windows,
    expect,
  });
}

/** How many windows the trial actually plays (after placement). */
export function windowCount(trial: Trial): number {
  return placeWindows(trial).length;
}

/** A ready-to-commit scenario file: the trial's schedule written out, expecting what it broke. */
export function trialSource(
  trial: Trial,
  setting: TrialSetting,
  scenarioName: string,
  violated: readonly Guarantee[],
  story: string,
): string {
  const windows = placeWindows(trial);
  const helpers = [...new Set(['defineScenario', ...windows.map((w) => faultCode(trial, w).split('(')[0]!)])].sort();
  const needs = [...new Set(windows.map((w) => faultOf(trial, w).needs).filter((need) => need !== undefined))].sort();
  const lines = [
    `import { ${helpers.join(', ')} } from '../harness/scenario.ts';`,
    '',
    '// Found by `chaoslab explore` and shrunk; its expectation is the guarantee it broke.',
    'export default defineScenario({',
    `  name: '${scenarioName}',`,
    `  description: ${JSON.stringify(story)},`,
    `  nodes: { count: ${nodeCount(trial)}, semantics: '${setting.semantics}',${setting.bug ? ` bug: '${setting.bug}',` : ''} programs: ${JSON.stringify(programsOf(trial)).replaceAll('"', "'")}${setting.command ? `, command: ${JSON.stringify(setting.command)}` : ''}${setting.semantics === 'at-most-once' ? `, config: ${JSON.stringify(AT_MOST_ONCE_CONFIG).replaceAll('"', '')}` : ''} },`,
    `  workload: { ops: ${trial.ops}, concurrency: ${trial.concurrency}, mix: ${JSON.stringify(mixOf(trial, setting)).replaceAll('"', '')}, mailbox: { node: '${name(trial.clients)}', mbox: 'inbox' } },`,
    '  faults: [',
    ...windows.map((w) => `    { fault: ${faultCode(trial, w)}, at: { ops: ${w.atOp}, afterMs: ${w.afterMs} }, duration: ${w.durationMs} },`),
    '  ],',
    ...(needs.length > 0 ? [`  needs: [${needs.map((need) => `'${need}'`).join(', ')}],`] : []),
    `  expect: { ${violated.map((g) => `'${g}': 'violated'`).join(', ')} },`,
    '});',
    '',
  ];
  return lines.join('\n');
}
