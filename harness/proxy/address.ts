import { isIPv6 } from 'node:net';
import { badRequestBody } from './errors.ts';

/** `host:port`, `[v6]:port` or `:port` (all interfaces); `localhost` means 127.0.0.1 so that binds stay on IPv4. */
export function parseAddress(address: string, field: string): { host: string; port: number } {
  const match = /^(?:\[([^\]]+)\]|([^:]*)):(\d{1,5})$/.exec(address);
  const port = match ? Number(match[3]) : NaN;
  if (!match || port > 65535) throw badRequestBody(`${field} address ${JSON.stringify(address)} is not host:port`);
  const host = match[1] ?? match[2] ?? '';
  return { host: host === '' ? '0.0.0.0' : host === 'localhost' ? '127.0.0.1' : host, port };
}

export function formatAddress(host: string, port: number): string {
  return isIPv6(host) ? `[${host}]:${port}` : `${host}:${port}`;
}
