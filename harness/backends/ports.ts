import { mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Below this, ports are left to well-known services. */
const LOWEST = 10_000;
/** Linux's default ephemeral range starts here; other systems start higher. */
const DEFAULT_EPHEMERAL_LOW = 32_768;

/**
 * A loopback port free now, for a node that binds it moments later and binds it again when restarted.
 *
 * Port 0 would be simpler, but the kernel answers it from the ephemeral range, the same range every outgoing
 * connection takes its source port from: while a node is starting, or down between a crash and its restart,
 * any connect() on the machine may take that port and the node fails with EADDRINUSE. Ports below the
 * ephemeral range are only ever taken by a bind that asks for them.
 *
 * Free is not enough, though: a node's port is also free while the node is down between a crash and its restart,
 * and another harness on the machine reserving it then would make the restart fail. So each reserved port is
 * claimed machine-wide (a file named after it, holding this process's pid) until `releasePorts` or this process
 * ends; a harness skips ports that a living process claims.
 */
export async function reservePort(host = '127.0.0.1'): Promise<number> {
  const high = ephemeralLow();
  if (high - LOWEST < 1_000) return boundByKernel(host);
  for (let attempt = 0; attempt < 100; attempt++) {
    const port = LOWEST + Math.floor(Math.random() * (high - LOWEST));
    if (!claimPort(port)) continue;
    if (await isFree(host, port)) return port;
    releasePorts([port]);
  }
  return boundByKernel(host);
}

/** Gives back ports this process reserved, once nothing of its labs will bind them again. */
export function releasePorts(ports: Iterable<number>): void {
  for (const port of ports) {
    if (!claimed.delete(port)) continue;
    try {
      unlinkSync(claimFile(port));
    } catch {
      // already gone (a `chaoslab clean`, or a tmp cleaner): nothing to give back
    }
  }
}

/** Where living harnesses claim ports: one file per port, holding the claiming process's pid. */
export const CLAIMS_DIR = join(tmpdir(), 'chaoslab-ports');
const claimFile = (port: number) => join(CLAIMS_DIR, String(port));
const claimed = new Set<number>();
process.on('exit', () => releasePorts([...claimed]));

/** Claims `port` for this process unless a living process holds it; a dead claimant's file is taken over. */
export function claimPort(port: number): boolean {
  mkdirSync(CLAIMS_DIR, { recursive: true });
  for (let tries = 0; tries < 2; tries++) {
    try {
      writeFileSync(claimFile(port), String(process.pid), { flag: 'wx' });
      claimed.add(port);
      return true;
    } catch {
      if (isAlive(ownerOf(port))) return false;
      try {
        unlinkSync(claimFile(port));
      } catch {
        // another harness took the stale claim over first; the next write tells
      }
    }
  }
  return false;
}

function ownerOf(port: number): number | undefined {
  try {
    const pid = Number(readFileSync(claimFile(port), 'utf8'));
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

function isAlive(pid: number | undefined): boolean {
  if (pid === undefined) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function ephemeralLow(): number {
  try {
    const low = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);
    return Number.isInteger(low) && low > 0 ? low : DEFAULT_EPHEMERAL_LOW;
  } catch {
    return DEFAULT_EPHEMERAL_LOW;
  }
}

function isFree(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen({ host, port, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

function boundByKernel(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen({ host, port: 0, exclusive: true }, () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
