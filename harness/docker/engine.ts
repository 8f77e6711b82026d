import type Dockerode from 'dockerode';
import type { ContainerRuntimeClient } from 'testcontainers';

/**
 * The Docker engine, reached through testcontainers' runtime client (it honours DOCKER_HOST and friends).
 * testcontainers would pull Ryuk's image, and (this VM has a /.dockerenv) start alpine to find the host: both are
 * pulls, which chaoslab never makes, so both are switched off unless the user chose otherwise.
 */
process.env.TESTCONTAINERS_RYUK_DISABLED ??= 'true';
process.env.TESTCONTAINERS_HOST_OVERRIDE ??= '127.0.0.1';

export class EngineUnavailableError extends Error {
  constructor(cause: unknown) {
    super(
      'No Docker engine answers (DOCKER_HOST or /var/run/docker.sock). Start one with `docker/engine.sh start` ' +
        `(see docs/DOCKER.md). Cause: ${cause instanceof Error ? cause.message : String(cause)}`,
    );
    this.name = 'EngineUnavailableError';
  }
}

let client: Promise<ContainerRuntimeClient> | undefined;

export function engine(): Promise<ContainerRuntimeClient> {
  client ??= (async () => {
    const { getContainerRuntimeClient } = await import('testcontainers');
    const runtime = await getContainerRuntimeClient();
    await runtime.container.dockerode.ping();
    return runtime;
  })().catch((error: unknown) => {
    client = undefined;
    throw new EngineUnavailableError(error);
  });
  return client;
}

export async function dockerode(): Promise<Dockerode> {
  return (await engine()).container.dockerode;
}

/** Whether an engine answers, for tests and commands that report rather than fail. */
export async function engineAnswers(): Promise<boolean> {
  try {
    await engine();
    return true;
  } catch {
    return false;
  }
}

/** A Docker API error's HTTP status (404 for "no such ..."), if it is one. */
export function statusOf(error: unknown): number | undefined {
  const status = (error as { statusCode?: unknown } | null)?.statusCode;
  return typeof status === 'number' ? status : undefined;
}
