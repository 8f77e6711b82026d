import { describe, expect, it } from 'vitest';
import { checkIntegrity } from '../../harness/checkers/integrity.ts';
import { HistoryBuilder } from './histories.ts';

describe('integrity', () => {
  it('holds when every execution acted on an intact body of an invoked op', () => {
    const h = new HistoryBuilder().op('a', 'ok').execute('a').execute('a');
    expect(checkIntegrity(h.input()).verdict).toBe('holds');
  });

  it('finds an execution on a damaged body', () => {
    const h = new HistoryBuilder().op('a', 'ok').op('b', 'ok').execute('a').execute('b', { intact: false, by: 'n2/worker-2' });
    const result = checkIntegrity(h.input());
    expect(result.verdict).toBe('violated');
    expect(result.counterexamples).toHaveLength(1);
    expect(result.counterexamples[0]!.id).toBe('b');
    expect(result.counterexamples[0]!.ops).toEqual([2, 3]);
    expect(result.counterexamples[0]!.what).toMatch(/n2\/worker-2 .*partial or corrupt/);
  });

  it('finds an execution of an id no client invoked', () => {
    const h = new HistoryBuilder().op('a', 'ok').execute('a').execute('a\u0000garbled');
    const result = checkIntegrity(h.input());
    expect(result.verdict).toBe('violated');
    expect(result.counterexamples[0]!.what).toMatch(/no client ever invoked/);
  });

  it('is unknown when nothing executed', () => {
    expect(checkIntegrity(new HistoryBuilder().op('a', 'ok').input()).verdict).toBe('unknown');
  });
});
