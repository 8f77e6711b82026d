import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { bundle } from '../bundles.ts';
import { appContextEntries, appInputsHash, dockerDir, NODE_DOCKERFILE, projectRoot } from './app-context.ts';
import { buildImage, localImageId } from './build.ts';
import { dockerode, statusOf } from './engine.ts';
import { LABEL } from './labels.ts';
import { offlineBaseHash, offlineBaseInputs, writeOfflineBaseContext } from './offline-base.ts';

/**
 * Which images a docker run uses, and building them. Tags carry a digest of their inputs, so a warm run finds
 * every tag present and builds nothing. Nothing here ever pulls: a base or Toxiproxy image that is not present
 * locally is an error that says how to get it.
 */
export const OFFICIAL_BASE = 'node:20-slim';
export const TOXIPROXY_IMAGE = 'ghcr.io/shopify/toxiproxy:2.12.0';
export const BUILD_COMMAND = 'npx chaoslab images';

/** `offline`: chaoslab's own base from this host's node (no registry needed); otherwise a node image to build on. */
export type BaseSetting = { kind: 'offline' } | { kind: 'official'; image: string };
/** chaoslab's own proxy (frame toxics too), or the real Toxiproxy (standard toxics only). */
export type ProxySetting = { kind: 'chaoslab' } | { kind: 'toxiproxy'; image: string };

export class ImageMissingError extends Error {
  constructor(
    readonly image: string,
    howToGetIt: string,
  ) {
    super(`image ${image} is not present on this Docker engine; ${howToGetIt}`);
    this.name = 'ImageMissingError';
  }
}

/**
 * `choice` is `offline`, `official` (node:20-slim) or any node image reference; by default (CHAOSLAB_DOCKER_BASE
 * unset) the official base when it is already present locally, else offline: a machine without a registry never
 * finds that tag, and chaoslab never asks a registry whether one answers.
 */
export async function resolveBase(choice = process.env.CHAOSLAB_DOCKER_BASE): Promise<BaseSetting> {
  if (choice === 'offline') return { kind: 'offline' };
  if (choice === 'official') return { kind: 'official', image: OFFICIAL_BASE };
  if (choice !== undefined && choice !== '') return { kind: 'official', image: choice };
  return (await localImageId(OFFICIAL_BASE)) === undefined ? { kind: 'offline' } : { kind: 'official', image: OFFICIAL_BASE };
}

/** `choice` is `chaoslab` (default, CHAOSLAB_DOCKER_PROXY), `toxiproxy`, or a Toxiproxy image reference. */
export function resolveProxy(choice = process.env.CHAOSLAB_DOCKER_PROXY): ProxySetting {
  if (choice === undefined || choice === '' || choice === 'chaoslab') return { kind: 'chaoslab' };
  if (choice === 'toxiproxy') return { kind: 'toxiproxy', image: TOXIPROXY_IMAGE };
  return { kind: 'toxiproxy', image: choice };
}

export interface ImagePlan {
  base: string;
  node: string;
  proxy: string;
  /** The base is chaoslab's to build (offline), rather than one to find locally. */
  buildsBase: boolean;
}

/** The tags the current sources and settings call for (computing them reads the tree; it builds nothing). */
export async function planImages(base: BaseSetting): Promise<ImagePlan> {
  let baseTag: string;
  let baseIdentity: string;
  if (base.kind === 'offline') {
    baseTag = `chaoslab-base:${offlineBaseHash(offlineBaseInputs())}`;
    baseIdentity = baseTag;
  } else {
    const id = await localImageId(base.image);
    if (id === undefined) throw missingOfficialBase(base.image);
    baseTag = base.image;
    baseIdentity = id;
  }
  // The Dockerfiles' contents, not their names: an edited Dockerfile must give new tags.
  const appHash = appInputsHash([baseIdentity, ...['node.Dockerfile', 'proxy.Dockerfile'].map((f) => readFileSync(join(dockerDir, f), 'utf8'))]);
  return { base: baseTag, node: `chaoslab-node:${appHash}`, proxy: `chaoslab-proxy:${appHash}`, buildsBase: base.kind === 'offline' };
}

export interface ImageOutcome {
  image: string;
  action: 'built' | 'reused';
  ms: number;
}

export interface BuildResult {
  outcomes: ImageOutcome[];
  /** The tags just built or found (the tree may change while building: use these, do not plan again). */
  images: RunImages;
}

/** Build whatever of base, node and proxy image is missing, in that order; report each with its time. */
export async function buildImages(base: BaseSetting, proxy: ProxySetting = { kind: 'chaoslab' }): Promise<BuildResult> {
  const plan = await planImages(base);
  const outcomes: ImageOutcome[] = [];
  const step = async (image: string, build: () => Promise<void>): Promise<void> => {
    const started = performance.now();
    const action = (await localImageId(image)) === undefined ? 'built' : 'reused';
    if (action === 'built') await build();
    outcomes.push({ image, action, ms: performance.now() - started });
  };
  const labels = { [LABEL]: '1' };
  if (plan.buildsBase) {
    await step(plan.base, () =>
      inTemporaryDir(async (contextDir) => {
        writeOfflineBaseContext(contextDir, offlineBaseInputs());
        await buildImage({ tag: plan.base, contextDir, labels });
      }),
    );
  }
  await step(plan.node, async () => {
    const nodeBundle = await bundleInProject();
    await buildImage({
      tag: plan.node,
      contextDir: projectRoot,
      entries: [...appContextEntries(), nodeBundle],
      dockerfile: NODE_DOCKERFILE,
      buildArgs: { BASE: plan.base, NODE_BUNDLE: nodeBundle },
      labels,
    });
  });
  await step(plan.proxy, () =>
    buildImage({ tag: plan.proxy, contextDir: dockerDir, entries: ['proxy.Dockerfile'], dockerfile: 'proxy.Dockerfile', buildArgs: { APP: plan.node }, labels }),
  );
  if (proxy.kind === 'toxiproxy') await requireImage(proxy.image, missingToxiproxyHint(proxy.image));
  return { outcomes, images: { node: plan.node, proxy: proxy.kind === 'toxiproxy' ? proxy.image : plan.proxy } };
}

export interface RunImages {
  node: string;
  proxy: string;
}

/** The images a run starts from; every one must already be built (a missing tag would make the engine pull). */
export async function requireImages(base: BaseSetting, proxy: ProxySetting): Promise<RunImages> {
  const plan = await planImages(base);
  const hint = `build it with \`${BUILD_COMMAND}\``;
  const images = { node: plan.node, proxy: proxy.kind === 'toxiproxy' ? proxy.image : plan.proxy };
  await requireImage(images.proxy, proxy.kind === 'toxiproxy' ? missingToxiproxyHint(proxy.image) : hint);
  await requireImage(images.node, hint);
  return images;
}

/**
 * The user's own node image (`nodes.image`): it must be present locally, since chaoslab builds only its own images
 * and a missing tag must never turn into a pull, and it must have an entrypoint, because the container's command
 * is the node's arguments (`--id ... --data /data`), which would otherwise be run as the program.
 */
export async function requireUserImage(image: string): Promise<void> {
  const docker = await dockerode();
  let entrypoint: string[] | string | null | undefined;
  try {
    entrypoint = (await docker.getImage(image).inspect()).Config?.Entrypoint;
  } catch (error) {
    if (statusOf(error) !== 404) throw error;
    throw new ImageMissingError(image, 'build your node\'s image first (docs/YOUR-NODE.md, "Your image"): chaoslab builds only its own images and never pulls');
  }
  if (entrypoint === null || entrypoint === undefined || entrypoint.length === 0) {
    throw new Error(
      `image ${image} has no ENTRYPOINT: chaoslab gives a node its arguments (--id NAME --host 0.0.0.0 --port 7000 --data /data ...) ` +
        'as the container\'s command, so the entrypoint must start your node, e.g. ENTRYPOINT ["python3", "/node.py"] (docs/YOUR-NODE.md)',
    );
  }
}

/** The bundled node program (harness/bundles.ts), as a path inside the project: the node image's context. */
async function bundleInProject(): Promise<string> {
  const path = relative(projectRoot, await bundle('node'));
  if (path.startsWith('..')) {
    throw new Error(`cannot build the node image: the bundled node program is outside the project (${path}); make node_modules/.cache writable`);
  }
  return path;
}

async function inTemporaryDir(work: (dir: string) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'chaoslab-image-'));
  try {
    await work(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function requireImage(image: string, howToGetIt: string): Promise<void> {
  if ((await localImageId(image)) === undefined) throw new ImageMissingError(image, howToGetIt);
}

function missingOfficialBase(image: string): ImageMissingError {
  return new ImageMissingError(
    image,
    `on a machine that reaches a registry fetch it first (\`docker image pull ${image}\`, yourself), or build on chaoslab's own ` +
      `base with \`${BUILD_COMMAND} --base offline\` (chaoslab never pulls by itself)`,
  );
}

function missingToxiproxyHint(image: string): string {
  return (
    `on a machine that reaches a registry fetch it first (\`docker image pull ${image}\`, yourself), or use chaoslab's own proxy ` +
    '(CHAOSLAB_DOCKER_PROXY=chaoslab, the default; chaoslab never pulls by itself)'
  );
}
