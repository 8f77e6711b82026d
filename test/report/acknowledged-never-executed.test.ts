import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildModel } from '../../harness/report/model.ts';
import { readRunFolder } from '../../harness/report/run-folder.ts';
import { runScenario } from '../../harness/run.ts';
import senderCrash from '../../scenarios/sender-crash.ts';

const seqRestart = senderCrash.member('seq-restart');

// A real run of the seq-restart bug: n1 crashes, restarts numbering its messages from 0 again, and the server
// answers keys it ran long ago with their old result or "duplicate, already forgotten", which the client counts
// as ok. The at-least-once
// counterexamples are ops acknowledged but never executed: their trails must tell that story, not be empty.

const workDir = mkdtempSync(join(tmpdir(), 'chaoslab-never-executed-'));
afterAll(() => rmSync(workDir, { recursive: true, force: true }));

describe('an acknowledged op that never ran', () => {
  it('has the message key it went out under and the answer it got, in the history and in its trail', async () => {
    const outcome = await runScenario(seqRestart, { seed: 3, runsDir: workDir, report: false });
    expect(outcome.error).toBeUndefined();
    expect(outcome.observed['at-least-once']).toBe('violated');
    const model = buildModel(await readRunFolder(outcome.dir));
    // at-least-once also cites ops that were never acknowledged (eventual delivery is promised): take an ok one.
    const acknowledged = new Set(model.run.history.filter((o) => o.type === 'ok').map((o) => o.value.id));
    const trail = model.trails.find((t) => acknowledged.has(t.id) && t.citations.some((c) => c.checker === 'at-least-once'))!;
    expect(trail).toBeDefined();
    // The history says which key the op went out under and what the server answered: a stale cached result, or
    // "duplicate, already forgotten" when the key was below the sender's low-water mark.
    const ok = model.run.history.find((o) => o.value.id === trail.id && o.type === 'ok')!;
    const [key] = ok.value.keys as { from: string; seq: number }[];
    expect(trail.keys).toEqual([`${key!.from}#${key!.seq}`]);
    expect(['result', 'duplicate-forgotten']).toContain(ok.value.answer);
    // The trail: invoke, the send (a key another op used before the crash), its delivery, the answer, ok.
    const kinds = trail.steps.map((s) => s.kind);
    expect(kinds).toEqual(expect.arrayContaining(['invoke', 'send', 'delivery', 'reply', 'reply delivered', 'ok']));
    expect(kinds).not.toContain('execution');
    expect(trail.steps.find((s) => s.kind === 'send')!.text).toMatch(/key already used for op-\d+/);
    const reply = trail.steps.find((s) => s.kind === 'reply')!.text;
    expect(reply.includes('error duplicate')).toBe(ok.value.answer === 'duplicate-forgotten');
    expect(trail.steps.at(-1)!.text).toContain(`answer ${ok.value.answer}`);
  }, 180_000);
});
