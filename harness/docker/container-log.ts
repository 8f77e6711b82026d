import { createWriteStream, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { createInterface } from 'node:readline';
import { PassThrough } from 'node:stream';
import type Dockerode from 'dockerode';

/**
 * Follow a container's output from `sinceMs` on: stdout lines are appended to `logFile` (a restarted node's lines
 * follow the crashed one's, as on processes) and the promise resolves at the node's `{"event":"ready"}` line
 * (programs started: their services are served), with the port of its `listening` line; it rejects when the
 * container stops first or `timeoutMs` passes.
 */
export async function followUntilReady(
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
      () => settle(() => reject(new Error(`node ${options.name} did not report ready within ${options.timeoutMs} ms`))),
      options.timeoutMs,
    );
    let port: number | undefined;
    createInterface({ input: stdout }).on('line', (line) => {
      const event = parseEvent(line);
      if (event?.event === 'listening' && typeof event.port === 'number') port = event.port;
      const readyAt = event?.event === 'ready' ? port : undefined;
      // Resolve once the line is in the file, so that the log reads complete as soon as the node is ready.
      log.write(line + '\n', () => {
        if (readyAt !== undefined) settle(() => resolve(readyAt));
      });
    });
    stdout.on('end', () =>
      settle(() => reject(new Error(`node ${options.name}'s container stopped before it was ready:\n${errorTail.trim()}`))),
    );
  });
}

function parseEvent(line: string): { event?: unknown; port?: unknown } | undefined {
  try {
    const event: unknown = JSON.parse(line);
    return typeof event === 'object' && event !== null ? event : undefined;
  } catch {
    return undefined;
  }
}
