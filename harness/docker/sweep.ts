import { dockerode, statusOf } from './engine.ts';
import { LABEL, OWNER_LABEL, RUN_LABEL } from './labels.ts';

export interface SweepOptions {
  /** Only this run's things. */
  runId?: string;
  /** Every chaoslab thing, also of runs whose harness is still alive (default: only runs whose harness died). */
  all?: boolean;
}

export interface SweepResult {
  containers: number;
  networks: number;
  volumes: number;
}

type Labelled = { Labels?: Record<string, string> | null };

/**
 * Remove chaoslab's containers, then networks, then volumes, found by label. By default only leftovers: things
 * whose owning harness process no longer exists, so that a sweep at the start of a run never touches another run
 * going on at the same time.
 */
export async function sweep(options: SweepOptions = {}): Promise<SweepResult> {
  const docker = await dockerode();
  const labelFilter = { label: [`${LABEL}=1`, ...(options.runId ? [`${RUN_LABEL}=${options.runId}`] : [])] };
  const selected = (thing: Labelled): boolean => options.all === true || options.runId !== undefined || ownerGone(thing);

  const containers = (await docker.listContainers({ all: true, filters: labelFilter })).filter(selected);
  await Promise.all(containers.map((c) => ignoreGone(docker.getContainer(c.Id).remove({ force: true, v: true }))));

  const networks = (await docker.listNetworks({ filters: labelFilter })).filter(selected);
  await Promise.all(networks.map((n) => ignoreGone(docker.getNetwork(n.Id).remove())));

  const volumes = ((await docker.listVolumes({ filters: labelFilter })).Volumes ?? []).filter(selected);
  await Promise.all(volumes.map((v) => ignoreGone(docker.getVolume(v.Name).remove())));

  return { containers: containers.length, networks: networks.length, volumes: volumes.length };
}

/** What chaoslab things exist now (for tests and `clean --dry-run`). */
export async function inventory(runId?: string): Promise<SweepResult> {
  const docker = await dockerode();
  const labelFilter = { label: [`${LABEL}=1`, ...(runId ? [`${RUN_LABEL}=${runId}`] : [])] };
  const [containers, networks, volumes] = await Promise.all([
    docker.listContainers({ all: true, filters: labelFilter }),
    docker.listNetworks({ filters: labelFilter }),
    docker.listVolumes({ filters: labelFilter }),
  ]);
  return { containers: containers.length, networks: networks.length, volumes: (volumes.Volumes ?? []).length };
}

function ownerGone(thing: Labelled): boolean {
  const pid = Number(thing.Labels?.[OWNER_LABEL]);
  if (!Number.isInteger(pid) || pid <= 0) return true;
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== 'EPERM';
  }
}

/** Another sweep (or the engine) may have removed it first. */
async function ignoreGone(removal: Promise<unknown>): Promise<void> {
  try {
    await removal;
  } catch (error) {
    const status = statusOf(error);
    if (status !== 404 && status !== 409) throw error;
  }
}

/** Remove chaoslab's images other than `keep` (old source versions pile up: each is a new tag). */
export async function sweepImages(keep: string[]): Promise<number> {
  const docker = await dockerode();
  const images = await docker.listImages({ filters: { label: [`${LABEL}=1`] } });
  const stale = images.filter((image) => !(image.RepoTags ?? []).some((tag) => keep.includes(tag)));
  // Newest first: a proxy image goes before the node image it is built on.
  stale.sort((a, b) => b.Created - a.Created);
  let removed = 0;
  for (const image of stale) {
    try {
      await docker.getImage(image.Id).remove({ force: true });
      removed++;
    } catch (error) {
      // In use by a container of a living run, or already gone with its child.
      if (statusOf(error) !== 404 && statusOf(error) !== 409) throw error;
    }
  }
  return removed;
}
