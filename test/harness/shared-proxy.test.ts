import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProcessBackend } from '../../harness/backends/process.ts';
import { Lab } from '../../harness/lab.ts';
import { workloadService } from '../../nodes/programs/client.ts';
import { logService } from '../../nodes/programs/log.ts';
import { cutWire } from '../../harness/nemesis/cut-wire.ts';
import { latency } from '../../harness/nemesis/latency.ts';
import { startProxyServer, type RunningProxyServer } from '../../harness/proxy/server.ts';
import { runScenario } from '../../harness/run.ts';
import corruptMessages from '../../scenarios/corrupt-message.ts';

const corruptMessage = corruptMessages.member('exactly-once');

// CI shares one Toxiproxy between test files that run at once: two labs on one server must never meet.
const runDir = mkdtempSync(join(tmpdir(), 'chaoslab-shared-proxy-test-'));
let server: RunningProxyServer;
const labs: Lab[] = [];

beforeAll(async () => {
  server = await startProxyServer({ host: '127.0.0.1', port: 0 });
});
afterAll(async () => {
  await Promise.allSettled(labs.map((lab) => lab.close()));
  await server?.close();
  rmSync(runDir, { recursive: true, force: true });
});

function startLab(name: string): Promise<Lab> {
  return Lab.start(new ProcessBackend({ toxiproxyUrl: server.url }), {
    runDir: join(runDir, name),
    nodes: [
      { name: 'n1', programs: ['client'], config: { semantics: 'at-least-once', options: { target: 'n2' } } },
      { name: 'n2', programs: ['log'], config: { semantics: 'at-least-once' } },
    ],
  });
}

type ProxyState = { name: string; upstream: string; enabled: boolean; toxics: { name: string }[] };

async function serverProxies(): Promise<Record<string, ProxyState>> {
  return (await (await fetch(`${server.url}/proxies`)).json()) as Record<string, ProxyState>;
}

const append = (lab: Lab, id: string) => lab.stub('n1', workloadService).append({ id, body: id, digest: 'x' });
const logged = async (lab: Lab) =>
  (await lab.stub('n2', logService).read({})).executions.map((execution) => execution.id).sort();

describe('two labs at once on one shared Toxiproxy', () => {
  it('each names, faults, heals and deletes only its own proxies', async () => {
    const [a, b] = await Promise.all([startLab('a'), startLab('b')]);
    labs.push(a, b);

    // Four proxies, each lab's n1->n2 leading to its own n2.
    const names = Object.keys(await serverProxies());
    expect(names).toHaveLength(4);
    expect(names.filter((name) => name.endsWith('link_n1_n2'))).toHaveLength(2);
    expect(a.link('n1->n2').name).not.toBe(b.link('n1->n2').name);
    expect(a.link('n1->n2').upstream).toBe(`127.0.0.1:${a.address('n2').port}`);
    expect(b.link('n1->n2').upstream).toBe(`127.0.0.1:${b.address('n2').port}`);

    // A fault on each lab's own n1->n2: a cut wire in a, a harmless latency in b.
    await cutWire('n1->n2').start(a, 'w0');
    await latency('n1->n2', { ms: 1 }).start(b, 'w0');
    expect((await append(b, 'b1')).outcome).toBe('ok'); // b's traffic does not cross a's cut wire
    expect(await logged(b)).toEqual(['b1']);

    // a heals its faults and not b's.
    await a.heal();
    let proxies = await serverProxies();
    expect(proxies[a.link('n1->n2').name]).toMatchObject({ enabled: true, toxics: [] });
    expect(proxies[b.link('n1->n2').name]!.toxics.map((toxic) => toxic.name)).toEqual(['w0-latency']);
    expect((await append(a, 'a1')).outcome).toBe('ok');
    expect(await logged(a)).toEqual(['a1']);

    // a's close deletes its proxies; b's stay and carry its traffic.
    const ofB = [...Object.keys(proxies)].filter((name) => name.startsWith(b.link('n1->n2').name.replace(/link_n1_n2$/, '')));
    expect(ofB).toHaveLength(2);
    await a.close();
    proxies = await serverProxies();
    expect(Object.keys(proxies).sort()).toEqual(ofB.sort());
    expect((await append(b, 'b2')).outcome).toBe('ok');
    expect(await logged(b)).toEqual(['b1', 'b2']);
    await b.close();
    expect(await serverProxies()).toEqual({});
  });
});

describe("a run on a shared chaoslab proxy server", () => {
  it('has its frame toxics: a scenario that needs them runs instead of being skipped', async () => {
    const run = await runScenario(corruptMessage, { toxiproxyUrl: server.url, runsDir: join(runDir, 'runs'), report: false, seed: 1 });
    expect(run.skipped).toBeUndefined();
    expect(run.error).toBeUndefined();
    expect(run.ok).toBe(true);
    expect(Object.keys(await serverProxies())).toEqual([]); // the run's proxies are gone with its lab
  });
});
