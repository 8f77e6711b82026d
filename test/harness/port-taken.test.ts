import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';

// Another harness on the machine can bind the port a node reserved before the node binds it. The reservation is
// made to give the port that race: the first reservation returns a port this test holds, the next ones are real.
const { reservePortMock } = vi.hoisted(() => ({ reservePortMock: vi.fn<(host?: string) => Promise<number>>() }));
vi.mock('../../harness/backends/ports.ts', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../harness/backends/ports.ts')>();
  reservePortMock.mockImplementation(real.reservePort);
  return { ...real, reservePort: reservePortMock };
});

const { ProcessBackend } = await import('../../harness/backends/process.ts');
const { Lab } = await import('../../harness/lab.ts');

const runDir = mkdtempSync(join(tmpdir(), 'chaoslab-port-taken-'));
let holder: Server | undefined;
afterAll(async () => {
  await new Promise<void>((resolve) => (holder ? holder.close(() => resolve()) : resolve()));
  rmSync(runDir, { recursive: true, force: true });
});

describe('a node whose reserved port was taken before it bound it', () => {
  it('starts on another port (a first start), and the lab works', async () => {
    holder = createServer();
    const taken = await new Promise<number>((resolve) => holder!.listen({ host: '127.0.0.1', port: 0 }, () => resolve((holder!.address() as { port: number }).port)));
    const real = reservePortMock.getMockImplementation()!;
    // The lab reserves the name service's port first, then each node's: n1's first reservation is the taken one.
    reservePortMock.mockImplementationOnce(real).mockImplementationOnce(async () => taken).mockImplementation(real);
    const lab = await Lab.start(new ProcessBackend(), {
      runDir,
      nodes: [
        { name: 'n1', programs: ['client'], config: { semantics: 'at-least-once', options: { target: 'n2' } } },
        { name: 'n2', programs: ['log'], config: { semantics: 'at-least-once' } },
      ],
    });
    try {
      // Without the retry the start fails (EADDRINUSE); with it, one more port was reserved for the node that lost.
      // name service, n1 twice, n2, and one per link
      expect(reservePortMock.mock.calls.length).toBe(6);
      expect(lab.nodeNames).toEqual(['n1', 'n2']);
    } finally {
      await lab.close();
    }
  }, 60_000);

  it('has its links\' proxies listen below the ephemeral range, where a port a disabled proxy gave back is taken by no `:0` bind', async () => {
    reservePortMock.mockClear();
    const lab = await Lab.start(new ProcessBackend(), {
      runDir,
      nodes: [
        { name: 'n1', programs: ['client'], config: { semantics: 'at-least-once', options: { target: 'n2' } } },
        { name: 'n2', programs: ['log'], config: { semantics: 'at-least-once' } },
      ],
    });
    try {
      const ephemeralLow = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);
      const listens = Object.values(await lab.toxiproxy.getAll()).map((proxy) => Number(proxy.listen.slice(proxy.listen.lastIndexOf(':') + 1)));
      expect(listens).toHaveLength(2);
      for (const port of listens) expect(port).toBeLessThan(ephemeralLow);
      // name service, n1, n2, and one per link
      expect(reservePortMock.mock.calls.length).toBe(5);
    } finally {
      await lab.close();
    }
  }, 60_000);
});
