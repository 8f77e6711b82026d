import { expect } from 'vitest';
import type { ScenarioOutcome } from '../../harness/run.ts';

// `expect(run).toSatisfy('exactly-once')`: a guarantee name checks a scenario run's observed verdict; any other
// argument keeps vitest's own toSatisfy(predicate).

declare module 'vitest' {
  interface Assertion<T = any> {
    /** The scenario run's observed verdict for this guarantee is `holds`. */
    toSatisfy(guarantee: string): T;
    /** The scenario run's observed verdict for this guarantee is `violated`. */
    toViolate(guarantee: string): T;
  }
}

function isOutcome(value: unknown): value is ScenarioOutcome {
  return typeof value === 'object' && value !== null && 'observed' in value && 'name' in value;
}

function verdictMatcher(wanted: 'holds' | 'violated') {
  return (received: unknown, guarantee: string) => {
    if (!isOutcome(received)) return { pass: false, message: () => `expected a scenario run (runScenario's result), got ${typeof received}` };
    const observed = received.observed[guarantee];
    const result = received.results.find((r) => r.checker === guarantee);
    const detail = received.error
      ? `the run failed: ${received.error}`
      : `observed ${observed ?? 'nothing (not checked)'}: ${result?.reason ?? ''}`;
    return {
      pass: observed === wanted,
      message: () =>
        `expected ${received.name} (seed ${received.seed}) ${wanted === 'holds' ? 'to satisfy' : 'to violate'} ${guarantee}; ` +
        `${detail}\nreplay: ${received.replay}\nfolder: ${received.dir}`,
    };
  };
}

const holds = verdictMatcher('holds');
expect.extend({
  toSatisfy(received: unknown, guaranteeOrPredicate: unknown, message?: string) {
    if (typeof guaranteeOrPredicate === 'string') return holds(received, guaranteeOrPredicate);
    const predicate = guaranteeOrPredicate as (value: unknown) => boolean;
    const pass = predicate(received);
    return { pass, message: () => message ?? `expected ${this.utils.printReceived(received)} ${this.isNot ? 'not ' : ''}to satisfy ${String(predicate.name || 'the predicate')}` };
  },
  toViolate: verdictMatcher('violated'),
});
