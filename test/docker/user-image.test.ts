import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { DockerBackend } from '../../harness/backends/docker.ts';
import { selectScenarios } from '../../harness/catalogue.ts';
import { dockerode } from '../../harness/docker/engine.ts';
import { inventory } from '../../harness/docker/sweep.ts';
import { Lab } from '../../harness/lab.ts';
import { runScenario } from '../../harness/run.ts';
import { BUILD_TIMEOUT_MS, dockerForTests } from './engine.ts';
import { pythonNodeImage } from './fixtures/python-image.ts';

/**
 * The user's own image on the docker backend: examples/python-node built into an image (without a registry, see
 * fixtures/python-image.ts) runs on every server, chaoslab's client on n1 calls it over the proxied links, and the
 * catalogue's verdicts must be those of chaoslab's own node. The faults start at op 50, so 80 ops suffice.
 */
const OPS = 80;
const doc = readFileSync(fileURLToPath(new URL('../../docs/YOUR-NODE.md', import.meta.url)), 'utf8');

if (await dockerForTests('user-image.test.ts')) {
  describe('your own image on --backend docker', () => {
    const runsDir = mkdtempSync(join(tmpdir(), 'chaoslab-docker-user-image-'));
    let image: string;
    /** The Python base of that image: python3 and nothing to start, so it has no entrypoint. */
    let base: string;
    beforeAll(async () => {
      ({ image, base } = await pythonNodeImage());
    }, BUILD_TIMEOUT_MS);
    afterAll(() => rmSync(runsDir, { recursive: true, force: true }));

    const log = (dir: string, node: string) => readFileSync(join(dir, 'nodes', `${node}.log`), 'utf8');
    const cases: { scenario: string; shows: (dir: string) => void }[] = [
      // The lost reply's copy reached the Python node's dedup table and was answered from its reply cache.
      { scenario: 'lost-reply-exactly-once', shows: (dir) => expect(log(dir, 'n2')).toMatch(/"event":"duplicate".*"kind":"done"/) },
      {
        scenario: 'receiver-crash-exactly-once',
        // Started twice in the same container, and the second start read back what the first journaled on /data.
        shows: (dir) => {
          expect(log(dir, 'n2').match(/"event":"ready"/g)).toHaveLength(2);
          expect(log(dir, 'n2')).toMatch(/"event":"executions-recovered","records":[1-9]/);
        },
      },
    ];
    for (const { scenario: name, shows } of cases) {
      it(`${name} on the Python node's image gives its expected verdicts`, { timeout: 180_000 }, async () => {
        const [scenario] = await selectScenarios([name]);
        const outcome = await runScenario(
          { ...scenario!, nodes: { ...scenario!.nodes, image }, workload: { ...scenario!.workload, ops: OPS } },
          { backend: 'docker', seed: 7, runsDir, report: false },
        );
        expect(outcome.error).toBeUndefined();
        // The Python node served, not chaoslab's: it said ready, and chaoslab's node would have logged the
        // programs it started first.
        expect(log(outcome.dir, 'n2')).toContain('"event":"ready"');
        expect(log(outcome.dir, 'n2')).not.toContain('"event":"program-started"');
        expect(log(outcome.dir, 'n1')).toContain('"event":"program-started"');
        expect(outcome.observed, `replay: ${outcome.replay}`).toMatchObject(outcome.expected);
        expect(outcome.ok).toBe(true);
        shows(outcome.dir);
      });
    }

    it("gets the command line and the data volume docs/YOUR-NODE.md gives for docker, after its own entrypoint", { timeout: 120_000 }, async () => {
      const backend = new DockerBackend();
      const runDir = join(runsDir, 'contract');
      const lab = await Lab.start(backend, {
        runDir,
        nodes: [
          { name: 'n1', programs: ['client'] },
          { name: 'n2', programs: ['log', 'consumer'], config: { semantics: 'exactly-once' }, image },
        ],
      });
      try {
        const docker = await dockerode();
        const [found] = await docker.listContainers({ filters: { label: [`chaoslab.run=${backend.runId}`, 'chaoslab.node=n2'] } });
        const info = await docker.getContainer(found!.Id).inspect();
        expect(info.Config.Image).toBe(image);
        expect(info.Config.Entrypoint).toEqual(['python3', '/node.py']);
        const shown = info.Config.Cmd.map((arg, i) => ({ '--id': 'NAME', '--config-json': 'JSON' })[info.Config.Cmd[i - 1]!] ?? arg);
        expect(doc).toContain(`| command | \`${shown.join(' ')}\`, appended to your \`ENTRYPOINT\` |`);
        expect(info.Mounts).toEqual([expect.objectContaining({ Type: 'volume', Destination: '/data' })]);
      } finally {
        await lab.close();
      }
      expect(await inventory(backend.runId)).toEqual({ containers: 0, networks: 0, volumes: 0 });
    });

    // Bad input is one clear error before the node's container exists: a missing tag is never pulled, and an
    // image without an entrypoint would run the node's first argument as its program.
    const badImages = [
      { what: 'a tag that is not present', image: () => 'chaoslab-test/no-such-node-image:0', says: ['image chaoslab-test/no-such-node-image:0 is not present', 'never pulls'] },
      { what: 'an image without an entrypoint', image: () => base, says: ['has no ENTRYPOINT', 'ENTRYPOINT ['] },
    ];
    for (const { what, image: imageOf, says } of badImages) {
      it(`${what} fails the run with an error that says so`, { timeout: 120_000 }, async () => {
        const [scenario] = await selectScenarios(['lost-reply-exactly-once']);
        const outcome = await runScenario({ ...scenario!, nodes: { ...scenario!.nodes, image: imageOf() } }, { backend: 'docker', seed: 7, runsDir, report: false });
        for (const text of says) expect(outcome.error).toContain(text);
        expect(outcome.ok).toBe(false);
      });
    }
  });
}
