import { expect } from 'vitest';
import type { ScenarioOutcome } from './outcome/index.ts';
import type { Guarantee } from './scenario.ts';

// `chaoslab/vitest`: importing it adds two matchers on a scenario run (runScenario's result), named so that
// vitest's own matchers (toSatisfy(predicate) among them) stay as they are:
//   expect(run).toKeep('exactly-once')       the observed verdict for the guarantee is `holds`
//   expect(run).toViolate('at-most-once')    the observed verdict is `violated`
// Under `.not` each asks for the other verdict or `unknown`; a run that failed or did not check the guarantee
// (the scenario's `expect` does not name it) fails both ways.

interface ChaoslabMatchers<R = unknown> {
  /** The scenario run's observed verdict for this guarantee is `holds`. */
  toKeep(guarantee: Guarantee): R;
  /** The scenario run's observed verdict for this guarantee is `violated`. */
  toViolate(guarantee: Guarantee): R;
}

declare module 'vitest' {
  interface Matchers<T = any> extends ChaoslabMatchers<T> {}
}

function isOutcome(value: unknown): value is ScenarioOutcome {
  return typeof value === 'object' && value !== null && 'observed' in value && 'results' in value && 'name' in value;
}

const verbs = { holds: 'keep', violated: 'violate' } as const;

function verdictMatcher(wanted: keyof typeof verbs) {
  return function (this: { isNot: boolean }, received: unknown, guarantee: Guarantee) {
    if (!isOutcome(received)) {
      return { pass: this.isNot, message: () => `expected a scenario run (the result of runScenario), got ${describe(received)}` };
    }
    const observed = received.observed[guarantee];
    const result = received.results.find((r) => r.checker === guarantee);
    const detail = received.error
      ? `the run failed: ${received.error}`
      : observed === undefined
        ? `${guarantee} was not checked (the scenario's expect does not name it)`
        : `observed ${observed}${result?.reason ? `: ${result.reason}` : ''}`;
    return {
      // A run that failed, or did not check the guarantee, says nothing either way: it fails under .not too.
      pass: observed === undefined ? this.isNot : observed === wanted,
      message: () =>
        `expected ${received.name} (seed ${received.seed}) ${this.isNot ? 'not ' : ''}to ${verbs[wanted]} ${guarantee}; ${detail}\n` +
        `replay: ${received.replay}\nfolder: ${received.dir}`,
    };
  };
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  return Array.isArray(value) ? 'an array' : typeof value;
}

expect.extend({ toKeep: verdictMatcher('holds'), toViolate: verdictMatcher('violated') });
