import type Dockerode from 'dockerode';
import type { Address, Backend, CrashedNode, NodeSpec, ProxyEndpoint, RunningNode } from './backend.ts';
import { followUntilReady } from '../docker/container-log.ts';
import { dockerode, engineAnswers, statusOf } from '../docker/engine.ts';
import { buildImages, requireImages, requireUserImage, resolveBase, resolveProxy, type ProxySetting, type RunImages } from '../docker/images.ts';
import { newRunId, runLabels } from '../docker/labels.ts';
import { sweep } from '../docker/sweep.ts';
import { setTimeout as sleep } from 'node:timers/promises';

/** Every node listens on this port inside its own container; peers tell nodes apart by network alias. */
const NODE_PORT = 7000;
const PROXY_API_PORT = 8474;
/** The proxy container's alias on the lab's network: where nodes reach the link proxies. */
const PROXY_ALIAS = 'chaoslab-proxy';
/** The harness reaches containers only through ports published on loopback. */
const HOST = '127.0.0.1';
/** A container start is about 0.3 s, but tsx and a loaded 2-core machine can stretch it a lot. */
const START_TIMEOUT_MS = 30_000;
const STOP_GRACE_S = 2;

export interface DockerBackendOptions {
  /** Not for docker: nodes in containers cannot reach an arbitrary URL; use `proxy: 'toxiproxy'` instead. */
  toxiproxyUrl?: string;
  /** Seed of chaoslab's proxy's randomness (toxicity, frame toxics). */
  proxySeed?: number;
  /** offline | official | a node image (default: env CHAOSLAB_DOCKER_BASE, see harness/docker/images.ts). */
  base?: string;
  /** chaoslab | toxiproxy | a Toxiproxy image (default: env CHAOSLAB_DOCKER_PROXY, else chaoslab). */
  proxy?: string;
  /**
   * `auto` (default, env CHAOSLAB_DOCKER_BUILD): build chaoslab's images when the sources changed, before any
   * container starts; `never`: a missing image is an error naming it and `npx chaoslab images`.
   */
  build?: 'auto' | 'never';
  /** Labels everything this backend creates (default: a fresh id). */
  runId?: string;
}

interface Lab {
  docker: Dockerode;
  images: RunImages;
  network: string;
}

/**
 * Nodes and the proxy as containers on a network of their own: a node's network alias is its name, its data is a
 * named volume (so it survives crash and restart), and node control maps to the engine (crash = kill, restart =
 * start the same container, pause = docker pause, isolate = leave the network). Everything carries the run's
 * labels and is removed at close, on SIGINT/SIGTERM, or by `chaoslab clean` after a harness died.
 */
export class DockerBackend implements Backend {
  readonly name = 'docker' as const;
  readonly frameToxics: boolean;
  readonly runId: string;
  private readonly proxySetting: ProxySetting;
  private setup?: Promise<Lab>;
  private closing?: Promise<void>;
  private readonly userImages = new Map<string, Promise<void>>();

  constructor(private readonly options: DockerBackendOptions = {}) {
    this.proxySetting = resolveProxy(options.proxy);
    this.frameToxics = this.proxySetting.kind === 'chaoslab';
    this.runId = options.runId ?? newRunId();
  }

  async startProxy(_runDir: string): Promise<ProxyEndpoint> {
    if (this.options.toxiproxyUrl !== undefined) {
      throw new Error(
        'an external --toxiproxy-url is for the process backend: nodes in containers cannot reach it. On docker, ' +
          "run the real Toxiproxy as a container with CHAOSLAB_DOCKER_PROXY=toxiproxy (its image must be present).",
      );
    }
    const lab = await this.prepare();
    const cmd =
      this.proxySetting.kind === 'chaoslab'
        ? ['--host', '0.0.0.0', '--port', String(PROXY_API_PORT), ...(this.options.proxySeed === undefined ? [] : ['--seed', String(this.options.proxySeed)])]
        : undefined; // the Toxiproxy image's own command listens on 0.0.0.0:8474
    const container = await this.createContainer(lab, { name: 'proxy', alias: PROXY_ALIAS, image: lab.images.proxy, cmd, port: PROXY_API_PORT });
    await container.start();
    const apiUrl = `http://${HOST}:${await publishedPort(container, PROXY_API_PORT)}`;
    await waitForApi(container, apiUrl);
    return {
      apiUrl,
      listenHost: PROXY_ALIAS,
      listenBind: '0.0.0.0',
      upstreamHostFor: (node) => node.name,
      shared: false, // the lab's own container
      stop: () => removeContainer(container),
    };
  }

  async startNode(spec: NodeSpec): Promise<RunningNode> {
    if (spec.program && spec.program.kind !== 'image') {
      throw new Error(
        `node ${spec.name}: ${spec.program.kind === 'command' ? 'a command' : 'a program module'} runs on the process backend only; ` +
          'on docker, give your own image (nodes.image), whose entrypoint gets the same arguments',
      );
    }
    const lab = await this.prepare();
    if (spec.program?.kind === 'image') await this.checkUserImage(spec.program.image);
    const volume = this.resourceName(spec.name);
    await lab.docker.createVolume({ Name: volume, Labels: runLabels(this.runId) });
    const container = await this.createContainer(lab, {
      name: spec.name,
      alias: spec.name,
      // The user's image gets exactly the arguments chaoslab's node gets: its entrypoint is their node program.
      image: spec.program?.kind === 'image' ? spec.program.image : lab.images.node,
      cmd: ['--id', spec.name, '--host', '0.0.0.0', '--port', String(NODE_PORT), '--data', '/data', ...spec.args],
      port: NODE_PORT,
      binds: [`${volume}:/data`],
    });
    try {
      return await DockerNode.start(new NodeContainer(lab, spec, container));
    } catch (error) {
      await removeContainer(container);
      throw error;
    }
  }

  /** Removes every container, the network and the volumes of this run; safe to call twice and after a failure. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      process.off('SIGINT', this.onSignal);
      process.off('SIGTERM', this.onSignal);
      if (this.setup === undefined) return;
      await this.setup.catch(() => undefined);
      if (await engineAnswers()) await sweep({ runId: this.runId });
    })();
    return this.closing;
  }

  private readonly onSignal = (signal: NodeJS.Signals): void => {
    void this.close().finally(() => {
      // Whoever else listens (the run command) decides when to exit; alone, exit as the signal would have.
      if (process.listenerCount(signal) === 0) process.exit(signal === 'SIGINT' ? 130 : 143);
    });
  };

  /** Once per backend: leftovers of dead runs swept, images present, the lab's network created. */
  private prepare(): Promise<Lab> {
    if (this.closing !== undefined) return Promise.reject(new Error('this docker backend is closed'));
    this.setup ??= (async () => {
      const docker = await dockerode();
      await sweep();
      const base = await resolveBase(this.options.base);
      const images =
        (this.options.build ?? process.env.CHAOSLAB_DOCKER_BUILD ?? 'auto') === 'auto'
          ? (await buildImages(base, this.proxySetting)).images
          : await requireImages(base, this.proxySetting);
      const network = this.resourceName('net');
      await docker.createNetwork({
        Name: network,
        Driver: 'bridge',
        CheckDuplicate: true,
        Labels: runLabels(this.runId),
        // User-defined networks would publish on 0.0.0.0: keep every published port on loopback.
        Options: { 'com.docker.network.bridge.host_binding_ipv4': HOST },
      });
      process.on('SIGINT', this.onSignal);
      process.on('SIGTERM', this.onSignal);
      return { docker, images, network };
    })();
    return this.setup;
  }

  /** Once per image: the servers of a lab usually share one. */
  private checkUserImage(image: string): Promise<void> {
    let check = this.userImages.get(image);
    if (check === undefined) {
      check = requireUserImage(image);
      this.userImages.set(image, check);
    }
    return check;
  }

  private resourceName(name: string): string {
    return `chaoslab-${this.runId}-${name.replace(/[^a-zA-Z0-9_.-]/g, '-')}`;
  }

  private createContainer(
    lab: Lab,
    what: { name: string; alias: string; image: string; cmd?: string[]; port: number; binds?: string[] },
  ): Promise<Dockerode.Container> {
    return lab.docker.createContainer({
      name: this.resourceName(what.name),
      Image: what.image,
      Cmd: what.cmd,
      Labels: { ...runLabels(this.runId), 'chaoslab.node': what.name },
      ExposedPorts: { [`${what.port}/tcp`]: {} },
      StopTimeout: STOP_GRACE_S,
      HostConfig: {
        NetworkMode: lab.network,
        // node as PID 1 would ignore SIGTERM and make every stop wait for the kill.
        Init: true,
        Binds: what.binds,
        PortBindings: { [`${what.port}/tcp`]: [{ HostIp: HOST, HostPort: '' }] },
      },
      // Created straight on the lab's network with its alias: it never sits on the default bridge.
      NetworkingConfig: { EndpointsConfig: { [lab.network]: { Aliases: [what.alias] } } },
    });
  }
}

/** A node's container and what it needs to be started again. */
class NodeContainer {
  constructor(
    readonly lab: Lab,
    readonly spec: NodeSpec,
    readonly container: Dockerode.Container,
  ) {}

  /** Start the container and wait for the node's `ready` line; its published port changes every start. */
  async start(): Promise<number> {
    const sinceMs = Date.now();
    await this.container.start();
    await followUntilReady(this.lab.docker, this.container, {
      name: this.spec.name,
      logFile: this.spec.logFile,
      sinceMs,
      timeoutMs: START_TIMEOUT_MS,
    });
    return publishedPort(this.container, NODE_PORT);
  }
}

class DockerNode implements RunningNode {
  state: 'running' | 'paused' = 'running';

  private constructor(
    private readonly node: NodeContainer,
    private hostPort: number,
  ) {}

  static async start(node: NodeContainer): Promise<DockerNode> {
    return new DockerNode(node, await node.start());
  }

  get name(): string {
    return this.node.spec.name;
  }

  address(): Address {
    return { host: HOST, port: this.hostPort };
  }

  peerAddress(): Address {
    return { host: this.node.spec.name, port: NODE_PORT };
  }

  async crash(): Promise<CrashedNode> {
    if (this.state === 'paused') await this.node.container.unpause();
    await this.node.container.kill({ signal: 'SIGKILL' });
    await this.node.container.wait({ condition: 'not-running' });
    return new CrashedDockerNode(this.node);
  }

  async pause(): Promise<void> {
    await this.node.container.pause();
    this.state = 'paused';
  }

  async resume(): Promise<void> {
    await this.node.container.unpause();
    this.state = 'running';
  }

  async stop(): Promise<void> {
    if (this.state === 'paused') await ignoreGone(this.node.container.unpause());
    await ignoreGone(this.node.container.stop({ t: STOP_GRACE_S }));
    await removeContainer(this.node.container);
  }

  /** Leave the lab's network: peers can no longer resolve or reach the node (nor can the harness). */
  async isolate(): Promise<void> {
    await this.node.lab.docker.getNetwork(this.node.lab.network).disconnect({ Container: this.node.container.id, Force: true });
  }

  /** Join again under the same alias (a plain reconnect would lose it); the published port may move. */
  async rejoin(): Promise<void> {
    await this.node.lab.docker
      .getNetwork(this.node.lab.network)
      .connect({ Container: this.node.container.id, EndpointConfig: { Aliases: [this.node.spec.name] } });
    this.hostPort = await publishedPort(this.node.container, NODE_PORT);
  }
}

class CrashedDockerNode implements CrashedNode {
  readonly state = 'crashed' as const;

  constructor(private readonly node: NodeContainer) {}

  get name(): string {
    return this.node.spec.name;
  }

  /** The same container again: same volume, same alias, same name. */
  restart(): Promise<RunningNode> {
    return DockerNode.start(this.node);
  }

  remove(): Promise<void> {
    return removeContainer(this.node.container);
  }
}

async function publishedPort(container: Dockerode.Container, port: number): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const info = await container.inspect();
    const hostPort = Number(info.NetworkSettings.Ports?.[`${port}/tcp`]?.[0]?.HostPort);
    if (Number.isInteger(hostPort) && hostPort > 0) return hostPort;
    if (!info.State.Running) throw new Error(`container ${info.Name} stopped (exit code ${info.State.ExitCode}) before publishing port ${port}`);
    await sleep(100);
  }
  throw new Error(`container port ${port} was never published`);
}

/** docker-proxy accepts connections before the server listens: only an HTTP answer means the API is up. */
async function waitForApi(container: Dockerode.Container, apiUrl: string): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    try {
      const response = await fetch(`${apiUrl}/version`, { signal: AbortSignal.timeout(1000) });
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    const info = await container.inspect();
    if (!info.State.Running) {
      const logs = (await container.logs({ stdout: true, stderr: true, tail: 20 })).toString();
      throw new Error(`the proxy container stopped (exit code ${info.State.ExitCode}) before its API answered:\n${logs}`);
    }
    await sleep(100);
  }
  throw new Error(`the proxy's API at ${apiUrl} did not answer within ${START_TIMEOUT_MS} ms`);
}

async function removeContainer(container: Dockerode.Container): Promise<void> {
  await ignoreGone(container.remove({ force: true }));
}

async function ignoreGone(operation: Promise<unknown>): Promise<void> {
  try {
    await operation;
  } catch (error) {
    // 304: already stopped; 404: already gone; 409: already being removed, or not paused.
    if (![304, 404, 409].includes(statusOf(error) ?? 0)) throw error;
  }
}

