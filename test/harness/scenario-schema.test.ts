import { describe, expect, it } from 'vitest';
import { crash, defineScenario, InvalidScenario, loseReplies, partition, randomFaults, type ScenarioSpec } from '../../harness/scenario.ts';

// Scenario files are data: a key the harness does not know is an error naming the scenario, its file and the key,
// never a setting silently left at its default.
const valid = {
  name: 'lost-reply-exactly-once',
  description: 'replies lost for a while',
  nodes: { count: 2, semantics: 'exactly-once' },
  workload: { ops: 100, concurrency: 4 },
  faults: [{ fault: loseReplies('n1->n2'), at: { ops: 20 }, duration: 300 }],
  expect: { 'exactly-once': 'holds' },
} satisfies ScenarioSpec;

/** The message defineScenario refuses `spec` with (as a scenario file written in plain JavaScript would pass it). */
function refusal(spec: unknown): string {
  try {
    defineScenario(spec as ScenarioSpec);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidScenario);
    return (error as Error).message;
  }
  throw new Error('defineScenario accepted it');
}

describe('a scenario is checked strictly when it is defined', () => {
  it('accepts a well-formed scenario, node configuration and generated faults included', () => {
    expect(defineScenario(valid).name).toBe('lost-reply-exactly-once');
    const full = defineScenario({
      ...valid,
      nodes: {
        count: 3,
        semantics: 'at-least-once',
        bug: 'give-up-as-fail',
        programs: { n3: ['log'] },
        config: { retransmit: { giveUpMs: 2000 }, options: { deadlineMs: 300 } },
        configOf: { n2: { mailboxCapacity: 2 } },
      },
      workload: { ops: 10, concurrency: 2, rate: 100, mix: { append: 1, send: 1 }, mailbox: { node: 'n3', mbox: 'inbox' }, opTimeoutMs: 5000 },
      faults: [
        { fault: partition([['n1'], ['n2', 'n3']]), at: 50, until: { ops: 8, afterMs: 10 } },
        { fault: crash('n3'), at: { ops: 2 }, duration: 100 },
      ],
      expect: { 'at-least-once': 'holds', integrity: 'holds' },
      eventual: false,
      needs: ['frame-toxics'],
      script: async () => {},
    });
    expect(full.nodes.count).toBe(3);
    expect(typeof defineScenario({ ...valid, faults: randomFaults({ kinds: ['crash'], links: ['n1->n2'], count: 1, spanMs: 10 }) }).faults).toBe('function');
  });

  it('refuses `semantic` for `semantics`, naming the scenario, its file and the key, with the closest key', () => {
    const message = refusal({ ...valid, nodes: { count: 2, semantic: 'exactly-once' } });
    expect(message).toMatch(/^scenario lost-reply-exactly-once \(test\/harness\/scenario-schema\.test\.ts\): /);
    expect(message).toContain('nodes: unknown key "semantic" (did you mean "semantics"?)');
  });

  it('refuses `opTimeoutMS` for `opTimeoutMs`', () => {
    expect(refusal({ ...valid, workload: { ...valid.workload, opTimeoutMS: 5000 } })).toContain(
      'workload: unknown key "opTimeoutMS" (did you mean "opTimeoutMs"?)',
    );
  });

  it('refuses `at: {op: 20}` for `at: {ops: 20}`, and a moment that is neither ms nor ops', () => {
    expect(refusal({ ...valid, faults: [{ fault: loseReplies('n1->n2'), at: { op: 20 }, duration: 300 }] })).toContain(
      'faults[0].at: unknown key "op" (did you mean "ops"?)',
    );
    expect(refusal({ ...valid, faults: [{ fault: loseReplies('n1->n2'), at: 'soon' }] })).toContain(
      'faults[0].at: must be ms since the workload started (a number) or {ops: N, afterMs?: M}',
    );
    expect(refusal({ ...valid, faults: [{ fault: loseReplies('n1->n2'), at: 5, duraton: 300 }] })).toContain(
      'faults[0]: unknown key "duraton" (did you mean "duration"?)',
    );
  });

  it("checks node configuration with the node's own schema, nested objects included", () => {
    expect(refusal({ ...valid, nodes: { ...valid.nodes, config: { mailboxCapcity: 2 } } })).toContain(
      'nodes.config: unknown key "mailboxCapcity" (did you mean "mailboxCapacity"?)',
    );
    expect(refusal({ ...valid, nodes: { ...valid.nodes, configOf: { n2: { retransmit: { giveUpMS: 100 } } } } })).toContain(
      'nodes.configOf.n2.retransmit: unknown key "giveUpMS" (did you mean "giveUpMs"?)',
    );
    expect(refusal({ ...valid, nodes: { ...valid.nodes, config: { leaseMs: -1 } } })).toContain('nodes.config.leaseMs:');
    // What the lab decides itself is not the scenario's to set.
    expect(refusal({ ...valid, nodes: { ...valid.nodes, config: { port: 7000 } } })).toContain('nodes.config: unknown key "port"');
  });

  it('refuses bug names outside the zoo, guarantees no checker knows, and needs nobody offers', () => {
    expect(refusal({ ...valid, nodes: { ...valid.nodes, bug: 'no-reply-cahce' } })).toMatch(
      /nodes\.bug: "no-reply-cahce" is not one of .*no-reply-cache.* \(did you mean "no-reply-cache"\?\)/,
    );
    expect(refusal({ ...valid, expect: { 'exactly-onse': 'holds' } })).toContain(
      'expect: unknown key "exactly-onse" (did you mean "exactly-once"?)',
    );
    expect(refusal({ ...valid, expect: { availability: 'holds' } })).toContain('expect: unknown key "availability"');
    expect(refusal({ ...valid, needs: ['frame-toxic'] })).toContain('needs[0]: "frame-toxic" is not one of frame-toxics');
  });

  it('refuses node names that are not in the lab', () => {
    expect(refusal({ ...valid, faults: [{ fault: loseReplies('n1->n3'), at: 5 }] })).toContain('faults[0].fault (n1->n3): no node "n3"');
    expect(refusal({ ...valid, faults: [{ fault: crash('n4'), at: 5 }] })).toContain('faults[0].fault: no node "n4"');
    expect(refusal({ ...valid, faults: [{ fault: loseReplies('n1-n2'), at: 5 }] })).toContain('faults[0].fault: bad link "n1-n2"');
    expect(refusal({ ...valid, nodes: { ...valid.nodes, configOf: { n3: { leaseMs: 10 } } } })).toContain('nodes.configOf.n3: no node "n3"');
    expect(refusal({ ...valid, workload: { ...valid.workload, mailbox: { node: 'n5', mbox: 'inbox' } } })).toContain(
      'workload.mailbox.node: no node "n5"',
    );
  });

  it('says what a fault list must hold', () => {
    expect(refusal({ ...valid, faults: 5 })).toContain('faults: must be a list of fault windows or randomFaults({...})');
    expect(refusal({ ...valid, faults: [{ fault: { kind: 'lose-replies' }, at: 5 }] })).toContain(
      "faults[0].fault: must be a fault made by a harness/nemesis function",
    );
  });

  it('makes the same typos TypeScript errors in a scenario file', () => {
    const typed = (spec: ScenarioSpec) => spec;
    // Each line below must fail to type-check (tsc --noEmit covers test/); at run time each is refused too.
    // @ts-expect-error: `semantic` is not a key of nodes
    expect(() => defineScenario(typed({ ...valid, nodes: { count: 2, semantic: 'exactly-once' } }))).toThrow(InvalidScenario);
    // @ts-expect-error: `opTimeoutMS` is not a key of workload
    expect(() => defineScenario(typed({ ...valid, workload: { ops: 1, concurrency: 1, opTimeoutMS: 5 } }))).toThrow(InvalidScenario);
    // @ts-expect-error: `op` is not a key of a fault moment
    expect(() => defineScenario(typed({ ...valid, faults: [{ fault: loseReplies('n1->n2'), at: { op: 20 } }] }))).toThrow(InvalidScenario);
    // @ts-expect-error: not a bug of the zoo
    expect(() => defineScenario(typed({ ...valid, nodes: { ...valid.nodes, bug: 'no-reply-cahce' } }))).toThrow(InvalidScenario);
    // @ts-expect-error: not a key of the node's configuration
    expect(() => defineScenario(typed({ ...valid, nodes: { ...valid.nodes, config: { mailboxCapcity: 2 } } }))).toThrow(InvalidScenario);
    // @ts-expect-error: not a guarantee
    expect(() => defineScenario(typed({ ...valid, expect: { 'exactly-onse': 'holds' } }))).toThrow(InvalidScenario);
  });
});
