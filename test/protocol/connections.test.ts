import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NodeClient } from '../../nodes/client.ts';
import { BUILT_IN_TYPES, REQUEST_TYPES } from '../../nodes/wire/messages.ts';
import { startNode, stopAllNodes, type NodeProcess } from '../helpers/node-process.ts';
import { PROTOCOL_MD } from './doc-tables.ts';
import { RawConnection } from './raw-connection.ts';
import { expectRegisteredLogging } from './registered-events.ts';

// docs/PROTOCOL.md, Connections and Messages, against real node processes over raw TCP: what the first message
// of a connection decides, a second hello, which errors echo a rid, and the closed list of request types.

let bare: NodeProcess, serving: NodeProcess;
const raws: RawConnection[] = [];

beforeAll(async () => {
  [bare, serving] = await Promise.all([
    startNode({ id: 'bare', startTimeoutMs: 90_000 }),
    startNode({ id: 'serving', programs: ['remote-control', 'load', 'log'], startTimeoutMs: 90_000 }),
  ]);
});

afterAll(async () => {
  for (const raw of raws) raw.destroy();
  await stopAllNodes();
});

async function open(node: NodeProcess): Promise<RawConnection> {
  const raw = await RawConnection.open(node.port);
  raws.push(raw);
  return raw;
}

/** A connection past its hello. */
async function opened(node: NodeProcess, identity = 'raw'): Promise<RawConnection> {
  const raw = await open(node);
  raw.send({ type: 'hello', node: identity });
  await raw.answer((answer) => answer.type === 'welcome');
  return raw;
}

describe('the first message of a connection decides', () => {
  it('a valid hello is welcomed and the connection serves requests', async () => {
    const raw = await open(bare);
    raw.send({ type: 'hello', node: 'first' }, { type: 'ping', rid: 1 });
    expect(await raw.answer((answer) => answer.type === 'welcome')).toEqual({ type: 'welcome', node: 'bare' });
    expect(await raw.answerTo(1)).toEqual({ type: 'pong', rid: 1, node: 'bare' });
  });

  it('a valid message of another type is answered hello-missing without rid and closes the connection; frames after it are ignored', async () => {
    const raw = await open(bare);
    raw.send({ type: 'ping', rid: 1 }, { type: 'hello', node: 'late' }, { type: 'ping', rid: 2 });
    await raw.closedWithin();
    expect(raw.answers).toEqual([{ type: 'error', code: 'hello-missing', message: expect.any(String) }]);
    await bare.waitFor((line) => line.event === 'drop' && line.reason === 'hello-missing');
  });

  const notMessages: [string, Record<string, unknown>][] = [
    ['a hello without node', { type: 'hello', rid: 3 }],
    ['a hello with an empty node', { type: 'hello', node: '', rid: 3 }],
    ['a hello whose node is not a string', { type: 'hello', node: 7, rid: 3 }],
    ['an unknown type', { type: 'no-such-type', rid: 3 }],
    ['JSON without a type', { rid: 3 }],
    ['a known type failing its schema', { type: 'send', rid: 3 }],
  ];
  for (const [what, first] of notMessages) {
    it(`${what} is answered invalid with its rid and decides nothing: the connection waits for its hello`, async () => {
      const raw = await open(bare);
      raw.send(first, { type: 'hello', node: 'after-invalid' }, { type: 'ping', rid: 4 });
      expect(await raw.answerTo(3)).toMatchObject({ type: 'error', code: 'invalid' });
      expect(await raw.answer((answer) => answer.type === 'welcome')).toEqual({ type: 'welcome', node: 'bare' });
      expect(await raw.answerTo(4)).toMatchObject({ type: 'pong' });
      expect(raw.isClosed).toBe(false);
    });
  }

  it('a second hello is answered invalid (with its rid if it has one); the connection stays open with its first identity', async () => {
    const raw = await opened(bare, 'first-identity');
    raw.send({ type: 'hello', node: 'second-identity' }, { type: 'hello', node: 'third-identity', rid: 12 });
    const refusal = await raw.answer((answer) => answer.type === 'error');
    expect(refusal).toMatchObject({ code: 'invalid', message: expect.stringMatching(/already/) });
    expect(refusal).not.toHaveProperty('rid');
    expect(await raw.answerTo(12)).toMatchObject({ type: 'error', code: 'invalid' });
    await bare.waitFor((line) => line.event === 'drop' && line.reason === 'invalid' && line.detail === 'second hello');
    // Still open, and still the first identity: a remote receiver is named after the connection's hello identity.
    raw.send({ type: 'send', rid: 10, id: { from: 'raw', seq: 1 }, to: { mbox: 'second-hello' }, body: 'x' });
    expect(await raw.answerTo(10)).toMatchObject({ type: 'ack', stage: 'remote' });
    raw.send({ type: 'receive', rid: 11, mbox: 'second-hello', timeoutMs: 5000 });
    expect(await raw.answerTo(11)).toMatchObject({ type: 'delivery', receiver: expect.stringMatching(/^first-identity@c\d+$/) });
    expect(raw.isClosed).toBe(false);
  });
});

describe('errors echo the rid of the request they answer', () => {
  it('invalid carries the rid whenever it is an integer >= 0, whatever else is wrong', async () => {
    const raw = await opened(serving);
    raw.send(
      { type: 'send', rid: 5, to: { mbox: 'x' } },
      { type: 'no-such-type', rid: 6 },
      { type: 'call', rid: 7, call: { service: 'log', proc: 'append', args: {}, key: { from: 'raw', seq: 1 } } },
      { type: 'ping', rid: -1 },
      { type: 'ping', rid: 9 },
    );
    expect(await raw.answerTo(5)).toMatchObject({ type: 'error', code: 'invalid' });
    expect(await raw.answerTo(6)).toMatchObject({ type: 'error', code: 'invalid', message: expect.stringMatching(/unknown message type/) });
    // A call without a deadline is no call: an `error`, not a `reply`.
    expect(await raw.answerTo(7)).toMatchObject({ type: 'error', code: 'invalid', message: expect.stringMatching(/deadline/) });
    await raw.answerTo(9);
    const withoutRid = raw.answers.filter((answer) => answer.type === 'error' && !('rid' in answer));
    expect(withoutRid).toEqual([expect.objectContaining({ code: 'invalid', message: expect.stringMatching(/rid/) })]);
  });
});

describe('the closed list of request types', () => {
  const programTypes = Object.keys(REQUEST_TYPES).filter((type) => !BUILT_IN_TYPES.has(type));

  it('a known type that no program of the node serves is no-handler; a type outside the list is invalid', async () => {
    expect(programTypes).toEqual(expect.arrayContaining(['call', 'node-send', 'node-receive']));
    const raw = await opened(bare);
    programTypes.forEach((type, i) => raw.send({ type, rid: 100 + i }));
    raw.send({ type: 'not-a-type', rid: 99 });
    for (const [i] of programTypes.entries()) expect(await raw.answerTo(100 + i)).toMatchObject({ type: 'error', code: 'no-handler' });
    expect(await raw.answerTo(99)).toMatchObject({ type: 'error', code: 'invalid', message: expect.stringMatching(/unknown message type/) });
  });

  it('a node running the programs serves every type of the list', async () => {
    const raw = await opened(serving);
    programTypes.forEach((type, i) => raw.send({ type, rid: 100 + i }));
    for (const [i, type] of programTypes.entries()) {
      const answer = await raw.answerTo(100 + i);
      // Served: the handler's own schema refuses the empty request, naming its fields.
      expect({ type, code: answer.code }).toEqual({ type, code: 'invalid' });
      expect(answer.message).not.toMatch(/unknown message type/);
    }
  });
});

describe('the docs name what the node reports', () => {
  it('the counters documented for stopping and stats-result are the counters a node answers', async () => {
    const client = await NodeClient.connect(bare.address);
    const counters = (await client.stats()).counters as Record<string, unknown>;
    void client.close();
    const doc = readFileSync(PROTOCOL_MD, 'utf8');
    const list = doc.slice(doc.indexOf('`counters`, in `stopping` and `stats-result`:'));
    const documented = list.slice(0, list.indexOf('\n\n')).split('\n').slice(1).map((line) => /^- `(\w+)`:/.exec(line)?.[1]);
    expect(new Set(documented)).toEqual(new Set(Object.keys(counters)));
  });

  it('every line the nodes logged is a registered event with registered fields', async () => {
    await bare.stop();
    await serving.stop();
    expectRegisteredLogging([...bare.lines, ...serving.lines], ['listening', 'ready', 'connect', 'hello', 'disconnect', 'drop', 'msg-in', 'ack', 'take', 'stopping', 'serving']);
  });
});
