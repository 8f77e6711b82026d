import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { PopulateStopped, ProxyError, type ProxyErrorKind } from '../errors.ts';
import type { Proxies } from '../proxies.ts';
import { renderProxy } from './render.ts';
import { routes, type Answer, type Route } from './routes.ts';

/** The HTTP status of each kind of proxy error. */
export const STATUS: Record<ProxyErrorKind, number> = { 'bad-request': 400, 'not-found': 404, conflict: 409, internal: 500 };
const LARGEST_BODY = 1024 * 1024;

/** The Toxiproxy HTTP API over a `Proxies` core: the bytes, headers and status codes a real Toxiproxy sends. */
export function createApiServer(proxies: Proxies): Server {
  const table = routes(proxies);
  return createServer((request, response) => {
    response.setHeader('X-Toxiproxy-Request-Id', requestId());
    handle(table, request, response).catch((error: unknown) => {
      if (!response.headersSent) sendError(response, request, error);
      else response.destroy();
    });
  });
}

async function handle(table: Route[], request: IncomingMessage, response: ServerResponse): Promise<void> {
  if (request.headers['user-agent']?.startsWith('Mozilla/')) {
    return sendText(response, 403, 'User agent not allowed\n');
  }
  const path = (request.url ?? '/').split('?')[0]!;
  for (const route of table) {
    const match = route.pattern.exec(path);
    if (!match) continue;
    const handler = route.methods[request.method ?? 'GET'];
    if (!handler) {
      response.writeHead(405).end();
      return;
    }
    const params = Object.fromEntries(route.params.map((name, i) => [name, decodeURIComponent(match[i + 1]!)]));
    const answer = await handler({ params, body: await readBody(request) });
    return send(response, answer, path === '/version');
  }
  sendText(response, 404, '404 page not found\n');
}

function send(response: ServerResponse, answer: Answer, version: boolean): void {
  if (answer.status === 204) {
    response.writeHead(204).end();
  } else if (version) {
    response.writeHead(200, { 'Content-Type': 'application/json;charset=utf-8' });
    response.end(`{"version": "${answer.body as string}"}\n`);
  } else {
    response.writeHead(answer.status, { 'Content-Type': 'application/json' });
    response.end(JSON.stringify(answer.body));
  }
}

function sendError(response: ServerResponse, request: IncomingMessage, error: unknown): void {
  const known = error instanceof ProxyError || error instanceof URIError;
  const status = error instanceof ProxyError ? STATUS[error.kind] : error instanceof URIError ? 400 : 500;
  const message = error instanceof Error ? error.message : String(error);
  if (!known) console.error('chaoslab proxy: unexpected error', error);
  if (request.url?.split('?')[0] === '/populate') {
    // Toxiproxy answers a failed /populate as JSON, with the proxies it made before the bad one (null for none).
    const made = error instanceof PopulateStopped && error.made.length > 0 ? error.made.map(renderProxy) : null;
    response.writeHead(status, { 'Content-Type': 'application/json' });
    response.end(JSON.stringify({ error: message, status, proxies: made }));
    return;
  }
  sendText(response, status, `${JSON.stringify({ error: message, status })}\n`);
}

function sendText(response: ServerResponse, status: number, text: string): void {
  response.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff' });
  response.end(text);
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > LARGEST_BODY) throw new ProxyError('bad-request', 'bad request body: larger than 1 MiB');
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Toxiproxy's request ids are 20 characters of base32hex (an xid). */
function requestId(): string {
  const alphabet = '0123456789abcdefghijklmnopqrstuv';
  return [...randomBytes(20)].map((b) => alphabet[b & 31]).join('');
}
