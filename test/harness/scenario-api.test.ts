import { describe, expect, it } from 'vitest';
import { loadCatalogue } from '../../harness/catalogue.ts';
import { defineScenario, loseReplies } from '../../harness/scenario.ts';

const valid = {
  name: 'lost-reply-exactly-once',
  description: 'replies lost for a while',
  nodes: { count: 2, semantics: 'exactly-once' as const },
  workload: { ops: 100, concurrency: 4 },
  faults: [{ fault: loseReplies('n1->n2'), at: { ops: 20 }, duration: 300 }],
  expect: { 'exactly-once': 'holds' as const },
};

describe('defineScenario', () => {
  it('accepts a well-formed scenario and keeps its data', () => {
    const scenario = defineScenario(valid);
    expect(scenario.name).toBe('lost-reply-exactly-once');
    expect(Array.isArray(scenario.faults) && scenario.faults[0]!.fault.kind).toBe('lose-replies');
  });

  it('names the scenario and every bad field', () => {
    expect(() => defineScenario({ ...valid, name: 'Lost Reply', nodes: { ...valid.nodes, count: 1 } })).toThrow(
      /scenario Lost Reply \(test\/harness\/scenario-api\.test\.ts\): name: must be kebab-case.*nodes\.count/,
    );
    expect(() => defineScenario({ ...valid, expect: {} })).toThrow(/expect: must name at least one guarantee/);
    expect(() => defineScenario({ ...valid, expect: { 'exactly-once': 'maybe' as never } })).toThrow(/expect\.exactly-once: "maybe" is not one of holds, violated/);
  });
});

describe('the catalogue', () => {
  it('loads every scenario file, each named after its file, with unique kebab-case names', async () => {
    const scenarios = await loadCatalogue();
    expect(scenarios.length).toBeGreaterThanOrEqual(12);
    expect(new Set(scenarios.map((s) => s.name)).size).toBe(scenarios.length);
  });
});
