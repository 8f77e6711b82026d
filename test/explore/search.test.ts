import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { exploreCapabilities } from '../../harness/explore/backend.ts';
import type { TrialRunner } from '../../harness/explore/lab-trial.ts';
import { faultPresets } from '../../harness/explore/presets.ts';
import { nodeCount, scheduleFacts, trialArbitrary, trialScenario, trialSource, windowCount, type Trial } from '../../harness/explore/schedule.ts';
import { reproduce, RUNS_PER_TRIAL, search, SHOWINGS, trialSize } from '../../harness/explore/search.ts';
import type { Guarantee } from '../../harness/scenario.ts';

const setting = { semantics: 'exactly-once' as const };
const onSim = { capabilities: exploreCapabilities.sim };
const onProcess = { capabilities: exploreCapabilities.process };

const root = join(import.meta.dirname, '..', '..');

describe('the trial generator', () => {
  it('draws the same trials from the same seed and others from another', () => {
    const draw = (seed: number) => fc.sample(trialArbitrary(faultPresets.default, onSim), { seed, numRuns: 5 });
    expect(draw(42)).toEqual(draw(42));
    expect(draw(42)).not.toEqual(draw(43));
  });

  it('draws every fault kind, several nodes and clients, and trials that always make a valid scenario', () => {
    const trials = fc.sample(trialArbitrary(faultPresets.heavy, onSim), { seed: 7, numRuns: 300 });
    const kinds = new Set(trials.flatMap((t) => t.windows.map((w) => w.kind)));
    expect(kinds.size).toBe(15);
    expect(kinds.has('power-loss')).toBe(true);
    expect(trials.some((t) => t.clients === 2 && t.servers >= 2)).toBe(true);
    for (const trial of trials) {
      const scenario = trialScenario(trial, setting, 'explore-trial', { 'exactly-once': 'holds' });
      expect(Array.isArray(scenario.faults) && scenario.faults.length).toBe(windowCount(trial));
      for (const w of Array.isArray(scenario.faults) ? scenario.faults : []) {
        // Every window starts while every workload process has a call out, and lasts several round trips.
        const at = w.at as { ops: number; afterMs: number };
        expect(at.ops).toBeGreaterThanOrEqual(1);
        expect(at.ops).toBeLessThanOrEqual(Math.max(1, trial.ops - trial.concurrency + 1));
        expect(w.duration).toBeGreaterThanOrEqual(100);
        // A link window is on a link with traffic: from a client node to a server node.
        const link = w.fault.target.link as string | undefined;
        if (link) {
          const [from, to] = link.split('->').map((node) => Number(node.slice(1)) - 1);
          expect(from! < trial.clients && to! >= trial.clients && to! < nodeCount(trial)).toBe(true);
        }
      }
      // Node faults on one node never overlap: a crashed node cannot be paused.
      const byNode = new Map<string, { at: number; end: number }[]>();
      for (const w of Array.isArray(scenario.faults) ? scenario.faults : []) {
        const node = w.fault.target.node as string | undefined;
        if (!node) continue;
        const at = w.at as { ops: number; afterMs: number };
        const list = byNode.get(node) ?? [];
        for (const other of list) expect(other.at === at.ops && other.end <= at.afterMs).toBe(true);
        list.push({ at: at.ops, end: at.afterMs + w.duration! });
        byNode.set(node, list);
      }
    }
  });

  it('writes scenario files that load and describe the same lab, workload and schedule as the trial ran', async () => {
    // A folder beside scenarios/, so that the file's `../harness/scenario.ts` import resolves as it will there.
    const dir = mkdtempSync(join(root, '.explore-test-'));
    try {
      const trials = fc.sample(trialArbitrary(faultPresets.heavy, onSim), { seed: 21, numRuns: 12 });
      for (const [i, trial] of trials.entries()) {
        const file = join(dir, `explored-${i}.ts`);
        writeFileSync(file, trialSource(trial, { semantics: 'at-most-once', bug: 'give-up-as-fail' }, `explored-${i}`, ['at-least-once'], 'story'));
        const loaded = (await import(file)).default;
        const ran = trialScenario(trial, { semantics: 'at-most-once', bug: 'give-up-as-fail' }, `explored-${i}`, { 'at-least-once': 'violated' });
        const shape = (s: typeof ran) => ({
          nodes: s.nodes,
          workload: s.workload,
          expect: s.expect,
          faults: (Array.isArray(s.faults) ? s.faults : []).map((w) => ({ kind: w.fault.kind, target: w.fault.target, at: w.at, duration: w.duration })),
        });
        expect(shape(loaded)).toEqual(shape(ran));
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('light draws no crash or pause', () => {
    const trials = fc.sample(trialArbitrary(faultPresets.light, onSim), { seed: 1, numRuns: 200 });
    expect(trials.flatMap((t) => t.windows).some((w) => ['crash', 'pause', 'partition', 'power-loss'].includes(w.kind))).toBe(false);
  });

  it('draws a power loss only on a backend whose disks can lose power, and every other kind on both', () => {
    const kinds = (capabilities: typeof onSim) =>
      new Set(fc.sample(trialArbitrary(faultPresets.heavy, capabilities), { seed: 7, numRuns: 300 }).flatMap((t) => t.windows.map((w) => w.kind)));
    const onProcessKinds = kinds(onProcess);
    expect(onProcessKinds.has('power-loss')).toBe(false);
    expect([...kinds(onSim)].filter((kind) => !onProcessKinds.has(kind))).toEqual(['power-loss']);
  });

  it('starts a window that joins the one before it at the op that one starts at, whatever its own position', () => {
    const loss = { kind: 'lose-replies' as const, a: 0, b: 0, atPercent: 20, afterMs: 0, durationMs: 500, probability: 1 };
    const trial: Trial = {
      seed: 1, clients: 1, servers: 1, ops: 100, concurrency: 1, mix: { append: 1, send: 0, receive: 0 },
      windows: [loss, { ...loss, kind: 'crash', a: 1, atPercent: 90, afterMs: 30, durationMs: 100, joins: true }],
    };
    const starts = (t: Trial) => (trialScenario(t, setting, 'x', { 'exactly-once': 'holds' }).faults as { at: unknown }[]).map((w) => w.at);
    expect(starts(trial)).toEqual([{ ops: 21, afterMs: 0 }, { ops: 21, afterMs: 30 }]);
    expect(starts({ ...trial, windows: [loss, { ...trial.windows[1]!, joins: false }] })).toEqual([{ ops: 21, afterMs: 0 }, { ops: 91, afterMs: 30 }]);
  });

  it("runs a user's node on the servers with appends only, and writes its command into the scenario", () => {
    const trial: Trial = {
      seed: 3, clients: 1, servers: 2, ops: 30, concurrency: 2, mix: { append: 1, send: 2, receive: 1 },
      windows: [{ kind: 'lose-replies', a: 0, b: 1, atPercent: 10, afterMs: 0, durationMs: 200, probability: 1 }],
    };
    const yours = { semantics: 'exactly-once' as const, command: ['python3', 'node.py'] };
    const scenario = trialScenario(trial, yours, 'x', { 'exactly-once': 'holds' });
    expect(scenario.nodes.command).toEqual(['python3', 'node.py']);
    expect(scenario.workload.mix).toEqual({ append: 1 });
    expect(trialScenario(trial, setting, 'x', { 'exactly-once': 'holds' }).workload.mix).toEqual({ append: 1, send: 2, receive: 1 });
    const source = trialSource(trial, yours, 'explored-yours', ['exactly-once'], 'story');
    expect(source).toContain('command: ["python3","node.py"]');
    expect(source).toContain('mix: {append:1}');
  });

  it('counts a power loss as a crash of its node, and writes it as powerLoss with what it needs', () => {
    const trial: Trial = {
      seed: 9,
      clients: 1,
      servers: 1,
      ops: 40,
      concurrency: 2,
      mix: { append: 1, send: 0, receive: 0 },
      windows: [{ kind: 'power-loss', a: 1, b: 0, atPercent: 25, afterMs: 5, durationMs: 300, probability: 1 }],
    };
    expect(scheduleFacts(trial)).toEqual({ senderCrash: false, receiverCrash: true, duplicates: false });
    expect(scheduleFacts({ ...trial, windows: [{ ...trial.windows[0]!, a: 0 }] })).toEqual({ senderCrash: true, receiverCrash: false, duplicates: false });
    const scenario = trialScenario(trial, { semantics: 'exactly-once', bug: 'no-fsync' }, 'explored-no-fsync', { 'exactly-once': 'holds' });
    expect((Array.isArray(scenario.faults) ? scenario.faults : []).map((w) => [w.fault.kind, w.fault.target, w.fault.needs])).toEqual([
      ['power-loss', { node: 'n2' }, 'power-loss'],
    ]);
    const source = trialSource(trial, { semantics: 'exactly-once', bug: 'no-fsync' }, 'explored-no-fsync', ['exactly-once'], 'story');
    expect(source).toContain("import { defineScenario, powerLoss } from '../harness/scenario.ts';");
    expect(source).toContain("{ fault: powerLoss('n2'), at: { ops: 10, afterMs: 5 }, duration: 300 },");
    expect(source).toContain("  needs: ['power-loss'],");
  });

  it('writes a trial out as a scenario file with its schedule and the broken guarantee as expectation', () => {
    const trial: Trial = {
      seed: 9,
      clients: 1,
      servers: 1,
      ops: 40,
      concurrency: 2,
      mix: { append: 1, send: 0, receive: 0 },
      windows: [{ kind: 'lose-replies', a: 0, b: 1, atPercent: 25, afterMs: 5, durationMs: 300, probability: 1 }],
    };
    const source = trialSource(trial, { semantics: 'exactly-once', bug: 'no-reply-cache' }, 'explored-no-reply-cache', ['at-most-once'], 'story');
    expect(source).toContain("import { defineScenario, loseReplies } from '../harness/scenario.ts';");
    expect(source).toContain("{ fault: loseReplies('n1->n2', { probability: 1 }), at: { ops: 10, afterMs: 5 }, duration: 300 },");
    expect(source).toContain("bug: 'no-reply-cache'");
    expect(source).toContain("expect: { 'at-most-once': 'violated' }");
    expect(scheduleFacts({ ...trial, windows: [{ ...trial.windows[0]!, kind: 'crash', a: 1 }] })).toEqual({ senderCrash: false, receiverCrash: true, duplicates: false });
    expect(scheduleFacts({ ...trial, windows: [{ ...trial.windows[0]!, kind: 'duplicate-messages' }] })).toMatchObject({ duplicates: true });
  });
});

/** A fake lab: a trial breaks at-most-once when one of its windows loses replies; `flaky` hides it every third run. */
function fakeRunner({ flaky = false, never = false } = {}): TrialRunner {
  let calls = 0;
  return async (trial) => {
    calls++;
    const shows = !never && trial.windows.some((w) => w.kind === 'lose-replies') && (!flaky || calls % 3 !== 0);
    return { violated: shows ? ['at-most-once'] : [], seed: trial.seed, dir: `runs/fake-${calls}` };
  };
}

describe('search and shrink with a fake property (no lab)', () => {
  it('finds a violation, confirms it and shrinks it to one window of the simplest shape', async () => {
    const result = await search({ setting, runner: fakeRunner(), capabilities: onSim.capabilities, runs: 200, seed: 3 });
    expect(result.found).toBeDefined();
    const { before, after, violated } = result.found!;
    expect(violated).toEqual(['at-most-once']);
    expect(after.windows).toHaveLength(1);
    expect(after.windows[0]!.kind).toBe('lose-replies');
    expect(trialSize(after)).toEqual({ windows: 1, ops: 10, nodes: 2, concurrency: 1 });
    expect(trialSize(before).windows).toBeGreaterThanOrEqual(1);
    expect(result.found!.shrinkSteps).toBeGreaterThan(0);
  });

  it('keeps a shrink step only when the violation shows in two runs of the candidate', async () => {
    // Hidden every third run: each candidate gets up to four runs, so two of them show it.
    const flaky = await search({ setting, runner: fakeRunner({ flaky: true }), capabilities: onSim.capabilities, runs: 200, seed: 3 });
    expect(flaky.found?.after.windows).toHaveLength(1);
    // Shows in the first run of a trial only: a trial's single showing is never enough, so nothing is confirmed.
    const seen = new Set<string>();
    const once: TrialRunner = async (trial) => {
      const first = !seen.has(JSON.stringify(trial));
      seen.add(JSON.stringify(trial));
      const shows = trial.windows.some((w) => w.kind === 'lose-replies') && first;
      return { violated: shows ? ['at-most-once'] : [], seed: trial.seed, dir: 'runs/fake' };
    };
    const rare = await search({ setting, runner: once, capabilities: onSim.capabilities, runs: 60, seed: 3 });
    expect(rare.violations).toBeGreaterThan(0);
    expect(rare.found).toBeUndefined();
  });

  it('shrinks to no fault at all when the violation needs none', async () => {
    const needsReceives: TrialRunner = async (trial) => ({ violated: trial.mix.receive > 0 ? ['exactly-once'] : [], seed: trial.seed, dir: 'runs/fake' });
    const result = await search({ setting, runner: needsReceives, capabilities: onSim.capabilities, runs: 200, seed: 5 });
    expect(result.found!.after.windows).toEqual([]);
    expect(result.found!.after.mix.receive).toBe(1);
  });

  it('reports nothing found when the budget runs out with every promise kept', async () => {
    const result = await search({ setting, runner: fakeRunner({ never: true }), capabilities: onSim.capabilities, runs: 30, seed: 3 });
    expect(result.found).toBeUndefined();
    expect(result.runs).toBe(30);
  });

  it('is reproducible from its seed', async () => {
    const a = await search({ setting, runner: fakeRunner(), capabilities: onSim.capabilities, runs: 200, seed: 11 });
    const b = await search({ setting, runner: fakeRunner(), capabilities: onSim.capabilities, runs: 200, seed: 11 });
    expect(a.found!.before).toEqual(b.found!.before);
    expect(a.found!.after).toEqual(b.found!.after);
  });
});

/** Runs that show the given guarantees in turn, one list per run; counts the runs made and the most at once. */
function scripted(script: Guarantee[][]) {
  const made = { runs: 0, running: 0, mostAtOnce: 0 };
  const run = async () => {
    const i = made.runs++;
    made.running++;
    made.mostAtOnce = Math.max(made.mostAtOnce, made.running);
    await Promise.resolve();
    made.running--;
    return { violated: script[i] ?? [], seed: i, dir: `runs/fake-${i}` };
  };
  return { run, made };
}

describe('reproduce: a trial breaks a promise when one guarantee breaks in two of up to four of its runs', () => {
  it('counts the run that found the violation and stops at the second showing', async () => {
    expect([SHOWINGS, RUNS_PER_TRIAL]).toEqual([2, 4]);
    const { run, made } = scripted([[], ['at-most-once']]);
    const first = { violated: ['at-most-once' as Guarantee], seed: 0, dir: 'runs/first' };
    const confirmed = await reproduce(run, { runs: RUNS_PER_TRIAL, earlier: [first] });
    expect(confirmed).toEqual({ violated: ['at-most-once'], run: { violated: ['at-most-once'], seed: 1, dir: 'runs/fake-1' } });
    expect(made.runs).toBe(2);
  });

  it('rejects a violation that shows once in four runs, and one that shows in no run once two cannot be reached', async () => {
    const once = scripted([[], [], ['exactly-once'], []]);
    expect(await reproduce(once.run, { runs: 4 })).toBeUndefined();
    expect(once.made.runs).toBe(4);
    const never = scripted([]);
    expect(await reproduce(never.run, { runs: 4 })).toBeUndefined();
    // After three runs without a showing, one run left cannot make two.
    expect(never.made.runs).toBe(3);
  });

  it('needs the same guarantee twice: two different ones once each are not a violation', async () => {
    const { run } = scripted([['at-most-once'], ['integrity'], [], []]);
    expect(await reproduce(run, { runs: 4 })).toBeUndefined();
    const twice = scripted([['at-most-once', 'integrity'], ['integrity'], ['at-most-once']]);
    expect((await reproduce(twice.run, { runs: 4 }))?.violated).toEqual(['integrity']);
  });

  it('counts only the guarantees asked about', async () => {
    const { run } = scripted([['integrity'], ['integrity'], ['at-most-once'], []]);
    expect(await reproduce(run, { runs: 4, among: ['at-most-once'] })).toBeUndefined();
  });

  it('counts a run that could not finish as one that showed nothing', async () => {
    let i = 0;
    const run = async () => (i++ === 1 ? { violated: [], seed: i, dir: 'runs/x', error: 'lab did not start' } : { violated: ['exactly-once' as Guarantee], seed: i, dir: 'runs/x' });
    expect((await reproduce(run, { runs: 4 }))?.violated).toEqual(['exactly-once']);
    expect(i).toBe(3);
  });

  it('runs atOnce at a time, never more than the runs left', async () => {
    const { run, made } = scripted([['at-most-once'], [], [], ['at-most-once']]);
    expect((await reproduce(run, { runs: 4, atOnce: 2 }))?.violated).toEqual(['at-most-once']);
    expect(made).toMatchObject({ runs: 4, mostAtOnce: 2 });
    const three = scripted([['at-most-once'], []]);
    expect(await reproduce(three.run, { runs: 3, atOnce: 2 })).toBeUndefined();
    expect(three.made.runs).toBe(3);
  });
});
