import { spawn } from 'node:child_process';
import { dockerode, statusOf } from './engine.ts';

export interface BuildRequest {
  tag: string;
  /** The folder the build context is taken from. */
  contextDir: string;
  /** Paths in contextDir that make up the context (default: all of it). */
  entries?: string[];
  /** Path of the Dockerfile inside the context (default: Dockerfile). */
  dockerfile?: string;
  buildArgs?: Record<string, string>;
  labels?: Record<string, string>;
}

/**
 * Build one image with the engine's classic builder (this CLI has no buildx). The context goes as a plain tar
 * (no gzip: the base holds a 100 MB node binary). Never pulls: every FROM must already be present, which the
 * callers check first, because the classic builder would otherwise fetch a missing base by itself.
 */
export async function buildImage(request: BuildRequest): Promise<void> {
  const docker = await dockerode();
  const tar = spawn('tar', ['-C', request.contextDir, '-c', '--', ...(request.entries ?? ['.'])], { stdio: ['ignore', 'pipe', 'pipe'] });
  let tarError = '';
  tar.stderr.on('data', (chunk: Buffer) => (tarError += chunk.toString()));
  const stream: NodeJS.ReadableStream = await docker.buildImage(tar.stdout, {
    t: request.tag,
    dockerfile: request.dockerfile ?? 'Dockerfile',
    buildargs: request.buildArgs ?? {},
    labels: request.labels ?? {},
    rm: true,
    forcerm: true,
    pull: false,
  } as never) as unknown as NodeJS.ReadableStream;
  const output = await new Promise<Array<Record<string, unknown>>>((resolve, reject) => {
    docker.modem.followProgress(stream, (error: Error | null, events: Array<Record<string, unknown>>) =>
      error ? reject(error) : resolve(events),
    );
  });
  const failure = output.find((event) => event.error !== undefined || event.errorDetail !== undefined);
  if (failure !== undefined || tarError !== '') {
    const steps = output
      .map((event) => (typeof event.stream === 'string' ? event.stream : ''))
      .join('')
      .trim()
      .split('\n')
      .slice(-15)
      .join('\n');
    throw new Error(`building ${request.tag} failed: ${String(failure?.error ?? tarError).trim()}\n${steps}`);
  }
}

/** The image's id when the tag is present locally, undefined when it is not (never asks a registry). */
export async function localImageId(tag: string): Promise<string | undefined> {
  const docker = await dockerode();
  try {
    return (await docker.getImage(tag).inspect()).Id;
  } catch (error) {
    if (statusOf(error) === 404) return undefined;
    throw error;
  }
}
