import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProcessBackend } from '../../harness/backends/process.ts';
import { Lab, NAME_SERVICE, type LabNodeSpec } from '../../harness/lab.ts';
import { withConnection } from '../../harness/lab/node-connection.ts';
import { NodeClient } from '../../nodes/client.ts';
import { namesService } from '../../nodes/names/service.ts';
import { bodyDigest } from '../../nodes/semantics/integrity.ts';
import { logService } from '../../nodes/programs/log.ts';

// Two labs on one machine, with nodes of the same names: an address of lab B reached from lab A (a port that a
// disabled proxy of A gave back and B took, in the real case) must refuse A's connections, not serve them.

const runDirs = [mkdtempSync(join(tmpdir(), 'chaoslab-two-labs-a-')), mkdtempSync(join(tmpdir(), 'chaoslab-two-labs-b-'))];
const nodes: LabNodeSpec[] = [
  // A short give-up: A's send to B's node must end, refused, within the test.
  // `log` makes n1 find its peers through the name service, where the test redirects it.
  { name: 'n1', programs: ['remote-control', 'log'], config: { semantics: 'at-least-once', retransmit: { giveUpMs: 2_000 } } },
  { name: 'n2', programs: ['log', 'remote-control'], config: { semantics: 'at-least-once' } },
];
let a: Lab, b: Lab;

beforeAll(async () => {
  [a, b] = await Promise.all(runDirs.map((runDir) => Lab.start(new ProcessBackend(), { runDir, nodes })));
}, 90_000);

afterAll(async () => {
  await Promise.all([a?.close(), b?.close()]);
  for (const dir of runDirs) rmSync(dir, { recursive: true, force: true });
});

/** Resolves once `node`'s log of lab `lab` has a line `matches` takes; bounded. */
async function logged(lab: Lab, node: string, matches: (line: Record<string, unknown>) => boolean): Promise<Record<string, unknown>> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const lines = readFileSync(lab.logFile(node), 'utf8').split('\n').filter((line) => line.startsWith('{'));
    const found = lines.map((line) => JSON.parse(line) as Record<string, unknown>).find(matches);
    if (found) return found;
    if (Date.now() > deadline) throw new Error(`no such line in ${lab.logFile(node)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const wrongLabFrom = (lab: Lab) => (line: Record<string, unknown>) => line.event === 'drop' && line.reason === 'wrong-lab' && line.lab === lab.id;

describe('two labs on one machine never serve each other', () => {
  it('have different ids', () => {
    expect(a.id).not.toBe(b.id);
  });

  it("a node of lab A sending to lab B's node of the same name is refused, and B's node takes nothing", async () => {
    // A's n1 now finds "n2" at B's n2: what a reused proxy port does, without waiting for one.
    const address = b.address('n2');
    await a.stub(NAME_SERVICE, namesService).setLinks({ links: [{ from: 'n1', to: 'n2', host: address.host, port: address.port }] });
    const n1 = await NodeClient.connect(a.address('n1'), { lab: a.id });
    try {
      const sent = n1.request({ type: 'node-send', to: { node: 'n2', mbox: 'inbox' }, body: 'from lab A', until: 'remote', timeoutMs: 3_000 }, { timeoutMs: 10_000 });
      await expect(sent).rejects.toThrow(/refused us: node 'n2' belongs to lab/);
    } finally {
      await n1.close();
    }
    await logged(b, 'n2', wrongLabFrom(a));
    // A's send has ended: every connection it opened was refused at its hello, so nothing reached the mailbox.
    expect(await b.mailboxes('n2')).not.toHaveProperty('inbox');
  }, 30_000);

  it("the harness of lab A calling lab B's node is refused, and the call does not run", async () => {
    const append = withConnection('n2', b.address('n2'), { lab: a.id }, (connection) =>
      connection.stub(logService, 5_000).append({ id: 'from-lab-a', body: 'x', digest: bodyDigest('x') }),
    );
    await expect(append).rejects.toThrow(/belongs to lab/);
    await logged(b, 'n2', wrongLabFrom(a));
    expect((await b.stub('n2', logService).read({})).total).toBe(0);
  }, 30_000);

  it("the harness of lab B is still served by B's node", async () => {
    expect(await b.mailboxes('n2')).toHaveProperty('svc:log');
    expect((await b.stub('n2', logService).stats({})).executions).toBe(0);
  });
});
