// Docker backend benchmark (not a test): `node --import tsx bench/docker.ts [--cold] [SCENARIO]`.
// Needs an engine (docker/engine.sh start). Times the image build (cold with --cold: chaoslab's current tags are
// removed first; then warm), a node container's start, crash+restart and pause, and one scenario's wall time on
// docker next to the same scenario and seed on processes, measured in this one run. Bounded: everything stops.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunningNode } from '../harness/backends/backend.ts';
import { DockerBackend } from '../harness/backends/docker.ts';
import { selectScenarios } from '../harness/catalogue.ts';
import { dockerode } from '../harness/docker/engine.ts';
import { buildImages, planImages, resolveBase } from '../harness/docker/images.ts';
import { runScenario } from '../harness/run.ts';

const cold = process.argv.includes('--cold');
const scenarioName = process.argv.slice(2).find((arg) => !arg.startsWith('--')) ?? 'baseline-exactly-once';
const runsDir = mkdtempSync(join(tmpdir(), 'chaoslab-bench-docker-'));
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

async function timed<T>(work: () => Promise<T>): Promise<[T, number]> {
  const started = performance.now();
  const result = await work();
  return [result, performance.now() - started];
}

try {
  const base = await resolveBase(process.env.CHAOSLAB_DOCKER_BASE ?? 'offline');
  if (cold) {
    const docker = await dockerode();
    const plan = await planImages(base);
    for (const tag of [plan.proxy, plan.node, ...(plan.buildsBase ? [plan.base] : [])]) {
      await docker.getImage(tag).remove().catch(() => undefined);
    }
  }
  const [first, firstMs] = await timed(() => buildImages(base));
  const [, warmMs] = await timed(() => buildImages(base));
  console.log(`image build ${cold ? 'cold' : 'first'}: ${seconds(firstMs)} (${first.outcomes.map((o) => `${o.image} ${o.action} ${seconds(o.ms)}`).join(', ')})`);
  console.log(`image build warm: ${seconds(warmMs)}`);

  const backend = new DockerBackend({ base: base.kind === 'offline' ? 'offline' : base.image, build: 'never' });
  try {
    const [, proxyMs] = await timed(() => backend.startProxy(runsDir));
    const starts: number[] = [];
    const nodes: RunningNode[] = [];
    for (const name of ['b1', 'b2', 'b3']) {
      const [node, ms] = await timed(() => backend.startNode({ name, args: [], logFile: join(runsDir, `${name}.log`) }));
      starts.push(ms);
      nodes.push(node);
    }
    const [crashed, crashMs] = await timed(() => nodes[0]!.crash());
    const [, restartMs] = await timed(() => crashed.restart());
    const [, pauseMs] = await timed(() => nodes[1]!.pause());
    const [, resumeMs] = await timed(() => nodes[1]!.resume());
    console.log(`proxy container start (API answering): ${seconds(proxyMs)}`);
    console.log(`node container start to ready: median ${seconds(median(starts))} of ${starts.map(seconds).join(', ')}`);
    console.log(`crash ${seconds(crashMs)}, restart to ready ${seconds(restartMs)}, pause ${seconds(pauseMs)}, resume ${seconds(resumeMs)}`);
  } finally {
    await backend.close();
  }

  const [scenario] = await selectScenarios([scenarioName]);
  for (const backendName of ['process', 'docker'] as const) {
    const outcome = await runScenario(scenario!, { backend: backendName, seed: 1, runsDir });
    console.log(
      `${scenarioName} on ${backendName}: ${seconds(outcome.durationMs)} wall, ${outcome.ops} ops, ` +
        `${outcome.ok ? 'as expected' : `NOT as expected${outcome.error ? `: ${outcome.error}` : ''}`}`,
    );
  }
} finally {
  rmSync(runsDir, { recursive: true, force: true });
}
