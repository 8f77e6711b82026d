import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DockerBackend } from '../../harness/backends/docker.ts';
import type { RunningNode } from '../../harness/backends/backend.ts';
import { dockerode } from '../../harness/docker/engine.ts';
import { inventory } from '../../harness/docker/sweep.ts';
import { withConnection } from '../../harness/lab/node-connection.ts';
import { logService } from '../../nodes/programs/log.ts';
import { bodyDigest } from '../../nodes/semantics/integrity.ts';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BUILD_TIMEOUT_MS, dockerForTests } from './engine.ts';

const logNode = ['--config-json', JSON.stringify({ programs: ['log'], semantics: 'exactly-once' })];

function append(node: RunningNode, id: string) {
  return withConnection(node.name, node.address(), { lab: undefined }, (connection) => connection.stub(logService, 10_000).append({ id, body: id, digest: bodyDigest(id) }));
}

async function executionIds(node: RunningNode, timeoutMs = 10_000): Promise<string[]> {
  const { executions } = await withConnection(node.name, node.address(), { lab: undefined }, (connection) => connection.stub(logService, timeoutMs).read({}));
  return executions.map((execution) => execution.id);
}

async function containerOf(runId: string, node: string) {
  const docker = await dockerode();
  const [info] = await docker.listContainers({ all: true, filters: { label: [`chaoslab.run=${runId}`, `chaoslab.node=${node}`] } });
  return docker.getContainer(info!.Id).inspect();
}

if (await dockerForTests('backend.test.ts')) {
  describe('docker backend', () => {
    const backend = new DockerBackend({ base: 'offline' });
    const runDir = mkdtempSync(join(tmpdir(), 'chaoslab-docker-test-'));
    let n1: RunningNode;

    beforeAll(async () => {
      n1 = await backend.startNode({ name: 'n1', args: logNode, logFile: join(runDir, 'nodes', 'n1.log') });
    }, BUILD_TIMEOUT_MS);

    afterAll(async () => {
      await backend.close();
      rmSync(runDir, { recursive: true, force: true });
    });

    it('runs the node on its own network, under its name, published on loopback only', async () => {
      const info = await containerOf(backend.runId, 'n1');
      const [network, endpoint] = Object.entries(info.NetworkSettings.Networks)[0]!;
      expect(network).toBe(`chaoslab-${backend.runId}-net`);
      expect(endpoint.Aliases).toContain('n1');
      expect(info.NetworkSettings.Ports['7000/tcp']?.[0]?.HostIp).toBe('127.0.0.1');
      expect(info.Config.Labels).toMatchObject({ chaoslab: '1', 'chaoslab.run': backend.runId });
      expect(n1.peerAddress()).toEqual({ host: 'n1', port: 7000 });
    });

    it('crash and restart keep the data on the volume', async () => {
      await append(n1, 'before-crash');
      const crashed = await n1.crash();
      expect(crashed.state).toBe('crashed');
      expect((await containerOf(backend.runId, 'n1')).State.Running).toBe(false);
      n1 = await crashed.restart();
      expect(await executionIds(n1)).toContain('before-crash');
      // The node's log file holds both lives, one after the other.
      const starts = readFileSync(join(runDir, 'nodes', 'n1.log'), 'utf8').match(/"event":"ready"/g) ?? [];
      expect(starts).toHaveLength(2);
    });

    it('a paused node makes its callers time out (not refuse), and answers again once resumed', async () => {
      await n1.pause();
      expect(n1.state).toBe('paused');
      const started = Date.now();
      await expect(executionIds(n1, 1_500)).rejects.toThrow(/no (reply|answer)|time/i);
      expect(Date.now() - started).toBeGreaterThanOrEqual(1_000);
      await n1.resume();
      expect(await executionIds(n1)).toContain('before-crash');
    });

    it('isolate leaves the network and rejoin comes back under the same alias', async () => {
      await n1.isolate!();
      expect(Object.keys((await containerOf(backend.runId, 'n1')).NetworkSettings.Networks)).toEqual([]);
      await n1.rejoin!();
      const info = await containerOf(backend.runId, 'n1');
      expect(info.NetworkSettings.Networks[`chaoslab-${backend.runId}-net`]?.Aliases).toContain('n1');
      expect(await executionIds(n1)).toContain('before-crash');
    });

    it('close removes every container, network and volume of the run', async () => {
      expect(await inventory(backend.runId)).toMatchObject({ containers: 1, networks: 1, volumes: 1 });
      await backend.close();
      await backend.close();
      expect(await inventory(backend.runId)).toEqual({ containers: 0, networks: 0, volumes: 0 });
    });
  });
}
