import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadCatalogue } from '../../harness/catalogue.ts';
import { FAILURES, promisedBy, SETTINGS, type ScheduleFacts } from '../../harness/promises.ts';
import { defaultPrograms, type Guarantee, type Scenario } from '../../harness/scenario.ts';
import { SEMANTICS_MD, withSemanticsTable } from './semantics-table.ts';

// harness/promises.ts is the one home of what each setting promises under each failure: docs/SEMANTICS.md's
// table is written from it (npx tsx test/scenarios/semantics-table.ts), and no catalogue scenario of a setting
// expects a verdict its setting's promise contradicts.

describe("docs/SEMANTICS.md's settings x failures table", () => {
  const doc = readFileSync(SEMANTICS_MD, 'utf8');

  it('is what harness/promises.ts gives', () => {
    expect(doc).toBe(withSemanticsTable(doc));
  });

  it('has a row per setting and a column per failure with a title', () => {
    for (const setting of SETTINGS) expect(doc).toContain(`| \`${setting}\` |`);
    for (const failure of Object.values(FAILURES)) if ('title' in failure) expect(doc).toContain(` ${failure.title} |`);
  });

  it('a drifted table is noticed', () => {
    const drifted = doc.replace('| 2+ runs, `ok` |', '| 2 runs, `ok` |');
    expect(drifted).not.toBe(doc);
    expect(withSemanticsTable(drifted)).toBe(doc);
  });
});

/**
 * Which sides of the schedule crash (a crashed node running the workload's client is a sender, else a receiver),
 * and whether a link duplicates frames.
 */
function facts(scenario: Scenario): ScheduleFacts {
  const windows = Array.isArray(scenario.faults) ? scenario.faults : [];
  const crashed = windows.filter((window) => window.fault.kind === 'crash').map((window) => String(window.fault.target.node));
  const isSender = (node: string) => (scenario.nodes.programs?.[node] ?? defaultPrograms(node)).includes('client');
  return {
    senderCrash: crashed.some(isSender),
    receiverCrash: crashed.some((node) => !isSender(node)),
    duplicates: windows.some((window) => window.fault.kind === 'duplicate-messages'),
  };
}

/** The delivery guarantees a promise covers: exactly-once is at-most-once and at-least-once together. */
function deliveryPromised(guarantees: Guarantee[]): Set<Guarantee> {
  const set = new Set(guarantees);
  if (set.has('exactly-once')) ['at-most-once', 'at-least-once'].forEach((g) => set.add(g as Guarantee));
  if (set.has('at-most-once') && set.has('at-least-once')) set.add('exactly-once');
  return set;
}

const delivery: Guarantee[] = ['at-most-once', 'at-least-once', 'exactly-once'];

/**
 * The promise's eventual delivery assumes the faults heal before the sender gives up (docs/SEMANTICS.md, limits
 * of the contract): a window longer than the give-up time is outside it.
 */
function outlastsGiveUp(scenario: Scenario): boolean {
  const giveUpMs = scenario.nodes.config?.retransmit?.giveUpMs;
  const windows = Array.isArray(scenario.faults) ? scenario.faults : [];
  return giveUpMs !== undefined && windows.some((window) => (window.duration ?? 0) > giveUpMs);
}

/** Each expected verdict of a scenario that its setting's promise contradicts, as `name: guarantee verdict`. */
function contradictions(scenario: Scenario): string[] {
  const promised = promisedBy(scenario.nodes.semantics, facts(scenario));
  const covered = deliveryPromised(promised.guarantees);
  const eventual = scenario.eventual ?? scenario.nodes.semantics !== 'at-most-once';
  // A promise without eventual delivery may be violated by a check that asks for it.
  const beyondPromise = eventual && (!promised.options.eventual || outlastsGiveUp(scenario));
  return Object.entries(scenario.expect)
    .filter(([guarantee, verdict]) => {
      const g = guarantee as Guarantee;
      if (verdict === 'violated') return covered.has(g) && !(beyondPromise && ['at-least-once', 'exactly-once'].includes(g));
      return delivery.includes(g) && !covered.has(g);
    })
    .map(([guarantee, verdict]) => `${scenario.name}: ${guarantee} ${verdict}`);
}

describe('the catalogue keeps to the promises', async () => {
  const catalogue = (await loadCatalogue()).filter((scenario) => !scenario.nodes.bug);

  it('a scenario of a setting without a bug expects no verdict its setting promises otherwise', () => {
    expect(catalogue.length).toBeGreaterThan(20);
    expect(catalogue.flatMap(contradictions)).toEqual([]);
  });

  it('at-most-once is promised by the at-most-once setting only on a link that repeats nothing', () => {
    const calm = { senderCrash: false, receiverCrash: false, duplicates: false };
    expect(promisedBy('at-most-once', calm).guarantees).toContain('at-most-once');
    expect(promisedBy('at-most-once', { ...calm, duplicates: true }).guarantees).not.toContain('at-most-once');
    expect(promisedBy('exactly-once-volatile', { ...calm, duplicates: true }).guarantees).toContain('at-most-once');
    const duplicated = catalogue.find((scenario) => scenario.name === 'duplicate-message-at-most-once')!;
    expect(contradictions({ ...duplicated, faults: [] })).toEqual(['duplicate-message-at-most-once: at-most-once violated']);
  });

  it('an expectation against the promise is caught', () => {
    const lostReply = catalogue.find((scenario) => scenario.name === 'lost-reply-exactly-once')!;
    const atLeastOnce = catalogue.find((scenario) => scenario.name === 'lost-reply-at-least-once')!;
    expect(contradictions({ ...lostReply, expect: { 'at-most-once': 'violated' } })).toEqual(['lost-reply-exactly-once: at-most-once violated']);
    expect(contradictions({ ...atLeastOnce, expect: { 'at-most-once': 'holds' } })).toEqual(['lost-reply-at-least-once: at-most-once holds']);
  });
});
