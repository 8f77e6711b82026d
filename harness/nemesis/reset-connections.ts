import type { Fault } from './fault.ts';
import { toxicFault } from './toxic.ts';

/**
 * Reset every connection on link `from->to` with a TCP RST `afterMs` after the sender's first bytes arrive
 * (Toxiproxy's reset_peer); the bytes are dropped. Unlike `cutWire` the proxy stays up: each new connection is
 * accepted and then torn down, so a sender sees its requests vanish mid-call over and over.
 */
export function resetConnections(link: string, { afterMs = 0 }: { afterMs?: number } = {}): Fault {
  return toxicFault({
    kind: 'reset-connections',
    link,
    stream: 'upstream',
    target: { afterMs },
    toxic: () => ({ type: 'reset_peer', attributes: { timeout: afterMs } }),
  });
}
