import { afterEach, describe, expect, it } from 'vitest';
import { startProxyServer } from '../../harness/proxy/server.ts';
import { addToxic, Fixtures, portOf, Received, updateProxy } from './fixtures.ts';

const fixtures = new Fixtures();
afterEach(() => fixtures.close());

async function call(url: string, method: string, body?: unknown, raw?: string) {
  const response = await fetch(url, {
    method,
    body: raw ?? (body === undefined ? undefined : JSON.stringify(body)),
    headers: body === undefined && raw === undefined ? {} : { 'Content-Type': 'application/json' },
  });
  return { status: response.status, headers: response.headers, text: await response.text() };
}

async function expectError(answer: Awaited<ReturnType<typeof call>>, status: number, message: string | RegExp) {
  expect(answer.status).toBe(status);
  expect(answer.headers.get('content-type')).toBe('text/plain; charset=utf-8');
  expect(answer.headers.get('x-content-type-options')).toBe('nosniff');
  expect(answer.text.endsWith('}\n')).toBe(true);
  const body = JSON.parse(answer.text) as { error: string; status: number };
  expect(body.status).toBe(status);
  if (typeof message === 'string') expect(body.error).toBe(message);
  else expect(body.error).toMatch(message);
}

describe('Toxiproxy HTTP API', () => {
  it('answers /version exactly as Toxiproxy 2.x, with a request id', async () => {
    const { server, client } = await fixtures.proxyServer();
    const answer = await call(`${server.url}/version`, 'GET');
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toBe('application/json;charset=utf-8');
    expect(answer.text).toBe('{"version": "2.12.0"}\n');
    expect(answer.headers.get('x-toxiproxy-request-id')).toMatch(/^[0-9a-v]{20}$/);
    expect(await client.getVersion()).toBe('{"version": "2.12.0"}\n');
  });

  it('creates a proxy on port 0 and reports the port actually bound', async () => {
    const { client } = await fixtures.proxyServer();
    const upstream = await fixtures.echo();
    const proxy = await client.createProxy({ name: 'link_a_b', listen: '127.0.0.1:0', upstream: `127.0.0.1:${upstream}` });
    expect(proxy.listen).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(portOf(proxy.listen)).toBeGreaterThan(0);
    expect(proxy.enabled).toBe(true);
    const again = await client.get('link_a_b');
    expect(again.toJson()).toEqual({ name: 'link_a_b', listen: proxy.listen, upstream: `127.0.0.1:${upstream}`, enabled: true });
    const socket = await fixtures.connect(portOf(proxy.listen));
    expect(socket.remotePort).toBe(portOf(proxy.listen));
  });

  it('renders proxies and toxics with Toxiproxy shapes, defaults and status codes', async () => {
    const { server } = await fixtures.proxyServer();
    const created = await call(`${server.url}/proxies`, 'POST', { name: 'p', listen: '127.0.0.1:0', upstream: '127.0.0.1:9' });
    expect(created.status).toBe(201);
    expect(created.headers.get('content-type')).toBe('application/json');
    expect(created.text.endsWith('\n')).toBe(false);
    const proxy = JSON.parse(created.text);
    expect(Object.keys(proxy)).toEqual(['name', 'listen', 'upstream', 'enabled', 'toxics']);

    const toxic = await call(`${server.url}/proxies/p/toxics`, 'POST', { type: 'latency', attributes: { latency: 1000 } });
    expect(toxic.status).toBe(200);
    expect(JSON.parse(toxic.text)).toEqual({
      attributes: { latency: 1000, jitter: 0 },
      name: 'latency_downstream',
      type: 'latency',
      stream: 'downstream',
      toxicity: 1,
    });
    const updated = await call(`${server.url}/proxies/p/toxics/latency_downstream`, 'PATCH', { attributes: { jitter: 5 } });
    expect(JSON.parse(updated.text).attributes).toEqual({ latency: 1000, jitter: 5 });
    expect(JSON.parse(updated.text).toxicity).toBe(1);

    await call(`${server.url}/proxies/p/toxics`, 'POST', { type: 'drop_frames', stream: 'upstream', attributes: {} });
    const list = JSON.parse((await call(`${server.url}/proxies/p/toxics`, 'GET')).text);
    expect(list.map((t: { name: string }) => t.name)).toEqual(['drop_frames_upstream', 'latency_downstream']);
    expect(list[0].frame_aware).toBe(true);
    expect(list[1].frame_aware).toBeUndefined();

    const deleted = await call(`${server.url}/proxies/p/toxics/latency_downstream`, 'DELETE');
    expect(deleted.status).toBe(204);
    expect(deleted.text).toBe('');
    expect((await call(`${server.url}/proxies/p`, 'DELETE')).status).toBe(204);
    expect(JSON.parse((await call(`${server.url}/proxies`, 'GET')).text)).toEqual({});
  });

  it('gives every error of the contract its code and message', async () => {
    const { server } = await fixtures.proxyServer();
    const url = server.url;
    const body = { name: 'p', listen: '127.0.0.1:0', upstream: '127.0.0.1:9' };
    await call(`${url}/proxies`, 'POST', body);
    const taken = JSON.parse((await call(`${url}/proxies/p`, 'GET')).text).listen as string;

    await expectError(await call(`${url}/proxies`, 'POST', body), 409, 'proxy already exists');
    await expectError(await call(`${url}/proxies/nope`, 'GET'), 404, 'proxy not found');
    await expectError(await call(`${url}/proxies/nope/toxics`, 'POST', { type: 'latency' }), 404, 'proxy not found');
    await expectError(await call(`${url}/proxies`, 'POST', { upstream: 'x:1' }), 400, 'missing required field: name');
    await expectError(await call(`${url}/proxies`, 'POST', {}), 400, 'missing required field: name');
    await expectError(await call(`${url}/proxies`, 'POST', { name: 'q' }), 400, 'missing required field: upstream');
    await expectError(await call(`${url}/proxies`, 'POST', undefined, '{"name":'), 400, /^bad request body: /);
    await expectError(await call(`${url}/proxies`, 'POST', undefined, ''), 400, 'bad request body: EOF');
    await expectError(await call(`${url}/proxies`, 'POST', { name: 7, upstream: 'x:1' }), 400, /^bad request body: json: cannot unmarshal number/);
    await expectError(
      await call(`${url}/proxies`, 'POST', { name: 'busy', listen: taken, upstream: 'x:1' }),
      500,
      `listen tcp ${taken}: bind: address already in use`,
    );
    await expectError(await call(`${url}/proxies/p/toxics`, 'POST', { type: 'nope' }), 400, 'invalid toxic type');
    await expectError(await call(`${url}/proxies/p/toxics`, 'POST', { type: 'latency', stream: 'sideways' }), 400, 'stream was invalid, can be either upstream or downstream');
    await expectError(await call(`${url}/proxies/p/toxics`, 'POST', { type: 'latency', attributes: { latency: 'slow' } }), 400, /^bad request body: json: cannot unmarshal string/);
    await expectError(await call(`${url}/proxies/p/toxics`, 'POST', { type: 'latency', attributes: { latency: 1.5 } }), 400, /^bad request body: /);
    await expectError(await call(`${url}/proxies/p/toxics`, 'POST', { type: 'drop_frames', attributes: { probability: 2 } }), 400, /^bad request body: /);
    await expectError(await call(`${url}/proxies/p/toxics`, 'POST', { type: 'timeout', attributes: { timeout: 2 ** 31 } }), 400, /^bad request body: timeout must be at most/);
    await expectError(await call(`${url}/proxies/p/toxics`, 'POST', { type: 'latency', attributes: { latency: -1 } }), 400, /^bad request body: latency must be at least 0/);
    await call(`${url}/proxies/p/toxics`, 'POST', { type: 'latency' });
    await expectError(await call(`${url}/proxies/p/toxics`, 'POST', { type: 'latency' }), 409, 'toxic already exists');
    await expectError(await call(`${url}/proxies/p/toxics/nope`, 'GET'), 404, 'toxic not found');
    await expectError(await call(`${url}/proxies/p/toxics/nope`, 'PATCH', {}), 404, 'toxic not found');
    await expectError(await call(`${url}/proxies/p/toxics/nope`, 'DELETE'), 404, 'toxic not found');
    await expectError(await call(`${url}/proxies/nope`, 'DELETE'), 404, 'proxy not found');

    const unknown = await call(`${url}/nothing/here`, 'GET');
    expect(unknown.status).toBe(404);
    expect(unknown.text).toBe('404 page not found\n');
    const wrongMethod = await call(`${url}/proxies`, 'PUT', {});
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.text).toBe('');
    const browser = await fetch(`${url}/proxies`, { headers: { 'User-Agent': 'Mozilla/5.0' } });
    expect(browser.status).toBe(403);
    // The server survived all of it.
    expect((await call(`${url}/proxies/p`, 'GET')).status).toBe(200);
  });

  it('populates: creates, keeps an unchanged proxy, replaces a changed one, and rejects the whole list on error', async () => {
    const { server, client } = await fixtures.proxyServer();
    const upstream = await fixtures.echo();
    const proxies = await client.populate([
      { name: 'a', listen: '127.0.0.1:0', upstream: `127.0.0.1:${upstream}` },
      { name: 'b', listen: '127.0.0.1:0', upstream: `127.0.0.1:${upstream}`, enabled: false },
    ]);
    expect(Object.keys(proxies)).toEqual(['a', 'b']);
    expect(proxies.b!.enabled).toBe(false);
    const a = proxies.a!;
    await addToxic(a, { type: 'latency', attributes: { latency: 1 } });

    const again = await client.populate([{ name: 'a', listen: '127.0.0.1:0', upstream: `127.0.0.1:${upstream}` }]);
    expect(again.a!.listen).toBe(a.listen);
    expect(JSON.parse((await call(`${server.url}/proxies/a/toxics`, 'GET')).text)).toHaveLength(1);

    const bad = await call(`${server.url}/populate`, 'POST', [{ name: 'c', upstream: 'x:1' }, { upstream: 'x:1' }]);
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-type')).toBe('application/json');
    expect(JSON.parse(bad.text)).toEqual({ error: 'missing required field: name at proxy 2', status: 400, proxies: null });
    await expect(client.get('c')).rejects.toThrow(/404/);
  });

  it('populate and update with a host name keep the proxy that already listens there, with its toxics and connections', async () => {
    const { server, client } = await fixtures.proxyServer();
    const upstream = await fixtures.echo();
    const created = await client.createProxy({ name: 'a', listen: '127.0.0.1:0', upstream: `127.0.0.1:${upstream}` });
    await addToxic(created, { type: 'latency', attributes: { latency: 1 } });
    const live = new Received(await fixtures.connect(portOf(created.listen)));
    const byName = `localhost:${portOf(created.listen)}`;

    const populated = await client.populate([{ name: 'a', listen: byName, upstream: `127.0.0.1:${upstream}` }]);
    expect(populated.a!.listen).toBe(created.listen);
    expect(JSON.parse((await call(`${server.url}/proxies/a/toxics`, 'GET')).text)).toHaveLength(1);
    const patched = await call(`${server.url}/proxies/a`, 'PATCH', { listen: byName });
    expect(JSON.parse(patched.text)).toMatchObject({ listen: created.listen, enabled: true, toxics: [{ name: 'latency_downstream' }] });

    // A malformed address is refused before anything is touched.
    const refused = await call(`${server.url}/proxies/a`, 'PATCH', { listen: 'nowhere', upstream: '127.0.0.1:9' });
    expect(refused.status).toBe(400);

    // The connection made before these calls still carries bytes both ways.
    live.socket.write('still here');
    expect((await live.until(10)).toString()).toBe('still here');
    expect(live.ended).toBe('open');
  });

  it('populate creates proxies in order until the first bad one, and answers with those it made', async () => {
    const { server, client } = await fixtures.proxyServer();
    const busy = await client.createProxy({ name: 'busy', listen: '127.0.0.1:0', upstream: '127.0.0.1:9' });
    const taken = `localhost:${portOf(busy.listen)}`;
    const answer = await call(`${server.url}/populate`, 'POST', [
      { name: 'first', listen: '127.0.0.1:0', upstream: '127.0.0.1:9' },
      { name: 'second', listen: taken, upstream: '127.0.0.1:9' },
      { name: 'third', listen: '127.0.0.1:0', upstream: '127.0.0.1:9' },
    ]);
    expect(answer.status).toBe(500);
    expect(answer.headers.get('content-type')).toBe('application/json');
    const body = JSON.parse(answer.text) as { error: string; status: number; proxies: { name: string }[] };
    expect(body.error).toBe(`listen tcp ${busy.listen}: bind: address already in use`);
    expect(body.proxies.map((p) => p.name)).toEqual(['first']);
    expect(Object.keys(await client.getAll()).sort()).toEqual(['busy', 'first']);

    const malformed = await call(`${server.url}/populate`, 'POST', [
      { name: 'fourth', listen: '127.0.0.1:0', upstream: '127.0.0.1:9' },
      { name: 'fifth', listen: 'nowhere', upstream: '127.0.0.1:9' },
    ]);
    expect(malformed.status).toBe(400);
    expect(JSON.parse(malformed.text).proxies.map((p: { name: string }) => p.name)).toEqual(['fourth']);
    expect(Object.keys(await client.getAll()).sort()).toEqual(['busy', 'first', 'fourth']);
  });

  it('a server whose start-up populate stops at a bad proxy closes the ones it made before', async () => {
    const free = await fixtures.listen(() => {});
    await fixtures.close();
    await expect(
      startProxyServer({
        populate: [
          { name: 'made', listen: `127.0.0.1:${free}`, upstream: '127.0.0.1:9' },
          { name: 'bad', listen: 'nowhere', upstream: '127.0.0.1:9' },
        ],
      }),
    ).rejects.toThrow(/nowhere/);
    // The port the first proxy held is free again: a fresh listener can take it.
    expect(await fixtures.listen(() => {}, free)).toBe(free);
  });

  it('a create on a busy port names the address bound, as Toxiproxy does: a host name by what it resolved to', async () => {
    // Toxiproxy's own API test (TestCreateProxyPortConflict) creates localhost:3310 twice and expects
    // "listen tcp 127.0.0.1:3310: bind: address already in use": Go names the address it tried to bind.
    const { server, client } = await fixtures.proxyServer();
    const busy = await client.createProxy({ name: 'busy', listen: '127.0.0.1:0', upstream: '127.0.0.1:9' });
    const port = portOf(busy.listen);
    for (const [given, named] of [
      [`localhost:${port}`, `127.0.0.1:${port}`],
      [`127.0.0.1:${port}`, `127.0.0.1:${port}`],
    ]) {
      await expectError(
        await call(`${server.url}/proxies`, 'POST', { name: 'again', listen: given, upstream: '127.0.0.1:9' }),
        500,
        `listen tcp ${named}: bind: address already in use`,
      );
    }
  });

  it('resets: removes every toxic and enables every proxy, keeping the proxies and their ports', async () => {
    const { client } = await fixtures.proxyServer();
    const upstream = await fixtures.echo();
    const proxy = await client.createProxy({ name: 'a', listen: '127.0.0.1:0', upstream: `127.0.0.1:${upstream}` });
    await addToxic(proxy, { type: 'timeout', attributes: { timeout: 0 } });
    const disabled = await updateProxy(proxy, { enabled: false });
    expect(disabled.enabled).toBe(false);
    await client.reset();
    const after = await client.get('a');
    expect(after.enabled).toBe(true);
    expect(after.listen).toBe(proxy.listen);
    const all = await client.getAll();
    expect(Object.keys(all)).toEqual(['a']);
    const socket = await fixtures.connect(portOf(after.listen));
    expect(socket.readyState).toBe('open');
  });

  it('concurrent calls: one create of a name wins, concurrent enables bind once', async () => {
    const { server } = await fixtures.proxyServer();
    const body = { name: 'race', listen: '127.0.0.1:0', upstream: '127.0.0.1:9' };
    const answers = await Promise.all(Array.from({ length: 8 }, () => call(`${server.url}/proxies`, 'POST', body)));
    expect(answers.map((a) => a.status).sort()).toEqual([201, 409, 409, 409, 409, 409, 409, 409]);
    await call(`${server.url}/proxies/race`, 'PATCH', { enabled: false });
    const enables = await Promise.all(
      Array.from({ length: 5 }, () => call(`${server.url}/proxies/race`, 'PATCH', { enabled: true })),
    );
    expect(enables.every((a) => a.status === 200)).toBe(true);
    expect(new Set(enables.map((a) => JSON.parse(a.text).listen)).size).toBe(1);
  });
});
