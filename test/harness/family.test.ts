import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadCatalogue, loadScenarios, replayTarget } from '../../harness/catalogue.ts';
import { defineFamily, type FamilySpec } from '../../harness/family.ts';
import { InvalidScenario, loseReplies } from '../../harness/scenario.ts';

// A family is one failure under several settings or bug variants: it expands into scenarios named
// `<failure>-<member>`, each exactly the scenario its own file would define, and is checked as strictly.
const family = {
  failure: 'lost-reply',
  nodes: { count: 2 },
  workload: { ops: 100, concurrency: 4 },
  faults: [{ fault: loseReplies('n1->n2'), at: { ops: 20 }, duration: 300 }],
  members: {
    'at-most-once': { description: 'sent once', nodes: { config: { options: { deadlineMs: 1000 } } }, expect: { 'at-most-once': 'holds' } },
    'exactly-once': { description: 'filtered', workload: { ops: 300, concurrency: 8 }, expect: { 'exactly-once': 'holds' } },
    'no-reply-cache': { description: 'a bug', nodes: { semantics: 'exactly-once', bug: 'no-reply-cache' }, expect: { 'exactly-once': 'violated' } },
  },
} satisfies FamilySpec;

function refusal(spec: unknown): string {
  try {
    defineFamily(spec as FamilySpec);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidScenario);
    return (error as Error).message;
  }
  throw new Error('defineFamily accepted it');
}

describe('defineFamily', () => {
  it('expands into one scenario per member, named <failure>-<member>, the setting taken from the name', () => {
    const [atMostOnce, exactlyOnce, bug] = defineFamily(family).scenarios;
    expect([atMostOnce, exactlyOnce, bug].map((scenario) => scenario!.name)).toEqual([
      'lost-reply-at-most-once',
      'lost-reply-exactly-once',
      'lost-reply-no-reply-cache',
    ]);
    expect(atMostOnce!.nodes).toEqual({ count: 2, semantics: 'at-most-once', config: { options: { deadlineMs: 1000 } } });
    expect(atMostOnce!.workload).toEqual(family.workload);
    expect(exactlyOnce!.workload).toEqual({ ops: 300, concurrency: 8 });
    expect(exactlyOnce!.faults).toBe(family.faults);
    expect(bug!.nodes).toEqual({ count: 2, semantics: 'exactly-once', bug: 'no-reply-cache' });
  });

  it('gives a member by its name in the family, and names the known ones for an unknown one', () => {
    const lostReply = defineFamily(family);
    expect(lostReply.member('no-reply-cache').nodes.bug).toBe('no-reply-cache');
    expect(() => lostReply.member('no-cache')).toThrow('family lost-reply has no member "no-cache"; known: at-most-once, exactly-once, no-reply-cache');
  });

  it('refuses an unknown key in a member, naming the family, its file, the path and the closest key', () => {
    const members = { ...family.members, 'exactly-once': { ...family.members['exactly-once'], expects: {} } };
    expect(refusal({ ...family, members })).toMatch(
      /family lost-reply \(test\/harness\/family\.test\.ts\): members\.exactly-once: unknown key "expects" \(did you mean "expect"\?\)/,
    );
  });

  it('refuses a setting or bug in the shared nodes, and a member that names no setting', () => {
    expect(refusal({ ...family, nodes: { count: 2, semantics: 'exactly-once' } })).toMatch(/nodes: unknown key "semantics"/);
    const members = { 'no-reply-cache': { description: 'a bug', nodes: { bug: 'no-reply-cache' }, expect: { 'exactly-once': 'violated' } } };
    expect(refusal({ ...family, members })).toMatch(/scenario lost-reply-no-reply-cache .*nodes\.semantics/);
  });
});

describe('the catalogue loader', () => {
  const dir = mkdtempSync(join(tmpdir(), 'chaoslab-family-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("lists a family file's members as scenarios of that file, replayed by name", async () => {
    const harness = join(import.meta.dirname, '..', '..', 'harness');
    writeFileSync(
      join(dir, 'drop.ts'),
      `import { defineFamily } from '${harness}/family.ts';\n` +
        `export default defineFamily({ failure: 'drop', nodes: { count: 2 }, workload: { ops: 10, concurrency: 1 },\n` +
        `  members: { 'at-least-once': { description: 'd', expect: { 'at-least-once': 'holds' } },\n` +
        `    'exactly-once': { description: 'd', expect: { 'exactly-once': 'holds' } } } });\n`,
    );
    const sources = await loadScenarios({ builtIn: false, dirs: [dir] });
    expect(sources.map((source) => [source.name, source.file, source.error])).toEqual([
      ['drop-at-least-once', join(dir, 'drop.ts'), undefined],
      ['drop-exactly-once', join(dir, 'drop.ts'), undefined],
    ]);
    expect(replayTarget(sources[0]!.scenario!)).toMatch(/drop\.ts$/);
  });

  it('keeps the built-in names of the families', async () => {
    const names = (await loadCatalogue()).map((scenario) => scenario.name);
    expect(names).toContain('lost-reply-exactly-once');
    expect(names).toContain('receiver-crash-ack-before-durable');
    expect(new Set(names).size).toBe(names.length);
  });
});
