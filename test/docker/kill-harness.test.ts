import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../../harness/docker/app-context.ts';
import { dockerode } from '../../harness/docker/engine.ts';
import { OWNER_LABEL } from '../../harness/docker/labels.ts';
import { BUILD_TIMEOUT_MS, dockerForTests } from './engine.ts';

const bin = join(projectRoot, 'harness', 'cli', 'bin.mjs');

/** Containers, networks and volumes that the harness process `pid` created. */
async function ownedBy(pid: number) {
  const docker = await dockerode();
  const filters = { label: [`${OWNER_LABEL}=${pid}`] };
  const [containers, networks, volumes] = await Promise.all([
    docker.listContainers({ all: true, filters }),
    docker.listNetworks({ filters }),
    docker.listVolumes({ filters }),
  ]);
  return { containers: containers.length, networks: networks.length, volumes: (volumes.Volumes ?? []).length };
}

if (await dockerForTests('kill-harness.test.ts')) {
  describe('a harness killed with SIGKILL mid-run', () => {
    const runsDir = mkdtempSync(join(tmpdir(), 'chaoslab-killed-runs-'));
    // The run's own temp dir: what it leaves there is seen apart from every other process's temp files.
    const runTmp = mkdtempSync(join(tmpdir(), 'chaoslab-killed-tmp-'));
    const env = { ...process.env, TMPDIR: runTmp };
    let harness: ChildProcess | undefined;

    afterAll(() => {
      harness?.kill('SIGKILL');
      rmSync(runsDir, { recursive: true, force: true });
      rmSync(runTmp, { recursive: true, force: true });
    });

    it('leaves things behind that `chaoslab clean` then removes, all of them', { timeout: BUILD_TIMEOUT_MS + 60_000 }, async () => {
      harness = spawn(process.execPath, [bin, 'run', 'baseline-exactly-once', '--backend', 'docker', '--runs-dir', runsDir], {
        cwd: projectRoot,
        env,
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let stderr = '';
      harness.stderr!.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-2000)));
      const pid = harness.pid!;
      // Mid-run: the proxy, the name service and the scenario's nodes are up (after any image build).
      const deadline = Date.now() + BUILD_TIMEOUT_MS;
      while ((await ownedBy(pid)).containers < 4) {
        expect(harness.exitCode, `the harness exited before its lab was up:\n${stderr}`).toBeNull();
        expect(Date.now()).toBeLessThan(deadline);
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
      harness.kill('SIGKILL');
      await new Promise((resolve) => harness!.once('exit', resolve));
      const left = await ownedBy(pid);
      expect(left.containers).toBeGreaterThanOrEqual(4);
      expect(left.networks).toBe(1);

      const clean = spawnSync(process.execPath, [bin, 'clean'], { cwd: projectRoot, env, encoding: 'utf8', timeout: 60_000 });
      expect(clean.status, clean.stderr).toBe(0);
      expect(clean.stdout).toMatch(/removed \d+ containers, \d+ networks, \d+ volumes/);
      expect(await ownedBy(pid)).toEqual({ containers: 0, networks: 0, volumes: 0 });
      // No temporary folder of the run either (tsx keeps its compile cache there, which is not the run's).
      expect(readdirSync(runTmp).filter((name) => name.startsWith('chaoslab-'))).toEqual([]);
    });
  });
}
