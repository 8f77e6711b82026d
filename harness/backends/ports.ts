import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

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
 */
export async function reservePort(host = '127.0.0.1'): Promise<number> {
  const high = ephemeralLow();
  if (high - LOWEST < 1_000) return boundByKernel(host);
  for (let attempt = 0; attempt < 100; attempt++) {
    const port = LOWEST + Math.floor(Math.random() * (high - LOWEST));
    if (await isFree(host, port)) return port;
  }
  return boundByKernel(host);
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
