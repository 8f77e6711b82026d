import { createWriteStream, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { createInterface } from 'node:readline';
import { PassThrough } from 'node:stream';
import type Dockerode from 'dockerode';

/**
 * Follow a container's output from `sinceMs` on: stdout lines are appended to `logFile` (a restarted node's lines
 * follow the crashed one's, as on processes) and the promise resolves with the port of the first
 * `{"event":"listening","port":N}` line; it rejects when the container stops first or `timeoutMs` passes.
 */
export async function followUntilListening(
  docker: Dockerode,
  container: Dockerode.Container,
  options: { name: string; logFile: string; sinceMs: number; timeoutMs: number },
): Promise<number> {
  mkdirSync(dirname(options.logFile), { recursive: true });
  const log = createWriteStream(options.logFile, { flags: 'a' });
  const raw = (await container.logs({
    follow: true,
    stdout: true,
    stderr: true,
    // Docker takes fractional seconds here, so a restart reads only the lines of its own start.
    since: (options.sinceMs / 1000).toFixed(3) as unknown as number,
  })) as unknown as NodeJS.ReadableStream;
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  docker.modem.demuxStream(raw, stdout, stderr);
  raw.on('end', () => {
    stdout.end();
    stderr.end();
  });
  let errorTail = '';
  stderr.on('data', (chunk: Buffer) => {
    errorTail = (errorTail + chunk.toString()).slice(-4000);
  });
  stdout.on('end', () => log.end());
  return new Promise<number>((resolve, reject) => {
    let settled = false;
    const settle = (outcome: () => void): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      outcome();
    };
    const timer = setTimeout(
      () => settle(() => reject(new Error(`node ${options.name} did not report listening within ${options.timeoutMs} ms`))),
      options.timeoutMs,
    );
    createInterface({ input: stdout }).on('line', (line) => {
      log.write(line + '\n');
      const port = listeningPort(line);
      if (port !== undefined) settle(() => resolve(port));
    });
    stdout.on('end', () =>
      settle(() => reject(new Error(`node ${options.name}'s container stopped before listening:\n${errorTail.trim()}`))),
    );
  });
}

function listeningPort(line: string): number | undefined {
  try {
    const event = JSON.parse(line) as { event?: unknown; port?: unknown };
    return event.event === 'listening' && typeof event.port === 'number' ? event.port : undefined;
  } catch {
    return undefined;
  }
}
