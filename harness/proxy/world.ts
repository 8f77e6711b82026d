import { connect, createServer, type Socket } from 'node:net';
import type { Clock } from '../../nodes/env/index.ts';
import { realEnv } from '../../nodes/env/real.ts';
import { wireNow } from './wire-log.ts';

// What the proxy touches of the outside world: sockets, timers and the wire log's clock. Real in a proxy server
// of its own (thread or process); a simulation runs the same proxy on its simulated network and virtual time.

export interface ProxyListener {
  /** The address actually bound (the port the kernel picked for port 0). */
  readonly address: { address: string; port: number };
  close(): Promise<void>;
}

export interface ProxyWorld {
  /** Listen with Node's proxy options (half-open allowed, paused until the pair is ready, no delay). */
  listen(address: { host: string; port: number }, accept: (socket: Socket) => void): Promise<ProxyListener>;
  connect(address: { host: string; port: number }): Socket;
  readonly clock: Clock;
  /** The wire log's time: high-resolution epoch ms (performance.timeOrigin + performance.now() in the real world). */
  wireNow(): number;
}

export const realProxyWorld: ProxyWorld = {
  listen: (address, accept) => {
    const server = createServer({ allowHalfOpen: true, pauseOnConnect: true, noDelay: true }, accept);
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen({ host: address.host, port: address.port, exclusive: true }, () => {
        server.off('error', reject);
        server.on('error', () => {});
        const bound = server.address() as { address: string; port: number };
        resolve({ address: bound, close: () => new Promise<void>((done) => server.close(() => done())) });
      });
    });
  },
  connect: (address) => connect({ ...address, noDelay: true, allowHalfOpen: true }),
  clock: realEnv.clock,
  wireNow,
};
