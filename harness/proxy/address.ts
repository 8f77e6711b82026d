import { lookup } from 'node:dns/promises';
import { isIP, isIPv6 } from 'node:net';
import { badRequestBody, ProxyError } from './errors.ts';

/** The one reading of `host:port`, `[v6]:port` or `:port` (empty host); undefined when it is none of them. */
export function splitHostPort(address: string): { host: string; port: number } | undefined {
  const match = /^(?:\[([^\]]+)\]|([^:]*)):(\d{1,5})$/.exec(address);
  const port = match ? Number(match[3]) : NaN;
  if (!match || port > 65535) return undefined;
  return { host: match[1] ?? match[2] ?? '', port };
}

/** `host:port`, `[v6]:port` or `:port` (all interfaces); `localhost` means 127.0.0.1 so that binds stay on IPv4. */
export function parseAddress(address: string, field: string): { host: string; port: number } {
  const split = splitHostPort(address);
  if (!split) throw badRequestBody(`${field} address ${JSON.stringify(address)} is not host:port`);
  const { host, port } = split;
  return { host: host === '' ? '0.0.0.0' : host === 'localhost' ? '127.0.0.1' : host, port };
}

export function formatAddress(host: string, port: number): string {
  return isIPv6(host) ? `[${host}]:${port}` : `${host}:${port}`;
}

/**
 * The address a listen on `address` binds: a host name is looked up as Node's listen looks it up, so that
 * `localhost:P` or `myhost:P` is recognised as the address a proxy already holds.
 */
export async function resolveAddress(address: string, field: string): Promise<{ host: string; port: number }> {
  const { host, port } = parseAddress(address, field);
  if (isIP(host)) return { host, port };
  try {
    return { host: (await lookup(host)).address, port };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ProxyError('internal', `lookup ${host}: ${code === 'ENOTFOUND' ? 'no such host' : code ?? String(error)}`);
  }
}
