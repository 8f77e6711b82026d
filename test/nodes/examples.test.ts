import { afterEach, describe, expect, it } from 'vitest';
import { reservePort } from '../../harness/backends/ports.ts';
import { startNode, stopAllNodes } from '../helpers/node-process.ts';

// The notes' two examples as runnable programs, each across two node processes.

afterEach(stopAllNodes);

describe('examples', () => {
  it('coke machine (1-way): every coke the producer adds is drunk once', async () => {
    const machine = await startNode({ id: 'machine', programs: ['coke-consumer'] });
    const producer = await startNode({
      id: 'producer',
      programs: ['coke-producer'],
      peers: { machine: { port: machine.port } },
      config: { options: { cokeMachine: 'machine', count: 8, intervalMs: 10 } },
    });
    await producer.waitFor('producer-finished', 20_000);
    await machine.waitFor(() => machine.events('coke-drunk').length === 8, 20_000);
    const drunk = machine.events('coke-drunk').map((l) => (l.body as { coke: number }).coke);
    expect(drunk.sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(producer.events('coke-added')).toHaveLength(8);
    expect(producer.events('coke-not-added')).toHaveLength(0);
  });

  it('rutabaga (2-way over mbox1/mbox2): the client gets the file back', async () => {
    const clientPort = await reservePort();
    const server = await startNode({ id: 'server', programs: ['rutabaga-server'], peers: { client: { port: clientPort } } });
    const client = await startNode({
      id: 'client',
      port: clientPort,
      programs: ['rutabaga-client'],
      peers: { server: { port: server.port } },
      config: { options: { server: 'server', count: 3 } },
    });
    await client.waitFor('rutabaga-client-finished', 20_000);
    const answers = client.events('rutabaga-answer');
    expect(answers.map((a) => a.request)).toEqual([1, 2, 3]);
    for (const a of answers) expect(a.answer).toMatchObject({ ok: true, contents: expect.stringContaining('root vegetable') });
    // The server logs after the client's node acknowledged the answer, which may come after the client is done.
    await server.waitFor(() => server.events('rutabaga-served').length === 3);
  });
});
