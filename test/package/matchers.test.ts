import { describe, expect, it } from 'vitest';
import type { ScenarioOutcome } from '../../harness/outcome/index.ts';
import '../../harness/vitest.ts';

// chaoslab/vitest on hand-made outcomes: every verdict, both ways, and the words of each failure.

function outcome(observed: ScenarioOutcome['observed'], error?: string): ScenarioOutcome {
  return {
    name: 'lost-reply-exactly-once',
    backend: 'process',
    seed: 42,
    expected: {},
    observed,
    ok: true,
    ops: 10,
    faults: 1,
    durationMs: 1,
    dir: '/runs/x',
    replay: 'npx chaoslab run lost-reply-exactly-once --seed 42',
    results: Object.entries(observed).map(([checker, verdict]) => ({ checker, verdict, reason: `${checker} reason` })) as ScenarioOutcome['results'],
    ...(error ? { error } : {}),
  };
}

describe('toKeep and toViolate', () => {
  const run = outcome({ 'exactly-once': 'holds', 'at-most-once': 'violated', integrity: 'unknown' });

  it('pass on the verdict observed', () => {
    expect(run).toKeep('exactly-once');
    expect(run).toViolate('at-most-once');
    expect(run).not.toKeep('at-most-once');
    expect(run).not.toViolate('exactly-once');
    expect(run).not.toKeep('integrity');
    expect(run).not.toViolate('integrity');
  });

  it('say what was expected, what was observed and how to replay it', () => {
    expect(() => expect(run).toKeep('at-most-once')).toThrow(
      'expected lost-reply-exactly-once (seed 42) to keep at-most-once; observed violated: at-most-once reason\n' +
        'replay: npx chaoslab run lost-reply-exactly-once --seed 42\nfolder: /runs/x',
    );
    expect(() => expect(run).not.toKeep('exactly-once')).toThrow(/\(seed 42\) not to keep exactly-once; observed holds/);
    expect(() => expect(run).not.toViolate('at-most-once')).toThrow(/not to violate at-most-once; observed violated/);
  });

  it('fail both ways on a guarantee not checked, a failed run, or something else than a run', () => {
    expect(() => expect(run).toKeep('exclusive-receive')).toThrow(/exclusive-receive was not checked/);
    expect(() => expect(run).not.toKeep('exclusive-receive')).toThrow(/not to keep exclusive-receive; exclusive-receive was not checked/);
    const failed = outcome({}, 'node n2 did not start');
    expect(() => expect(failed).not.toViolate('exactly-once')).toThrow(/the run failed: node n2 did not start/);
    expect(() => expect({ verdict: 'holds' }).toKeep('exactly-once')).toThrow(/expected a scenario run/);
    expect(() => expect(null).not.toKeep('exactly-once')).toThrow(/expected a scenario run \(the result of runScenario\), got null/);
  });

  it("leave vitest's own toSatisfy as it is", () => {
    expect(7).toSatisfy((n: number) => n > 3);
    expect(() => expect(2).toSatisfy((n: number) => n > 3)).toThrow();
  });
});
