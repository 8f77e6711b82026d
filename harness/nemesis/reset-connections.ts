import { toxicFault } from './toxic.ts';

/**
 * Reset every connection on link `from->to` with a TCP RST `afterMs` after the sender's first bytes arrive
 * (Toxiproxy's reset_peer); the bytes are dropped. Unlike `cutWire` the proxy stays up: each new connection is
 * accepted and then torn down, so a sender sees its requests vanish mid-call over and over.
 */
export const resetConnections = toxicFault({
  kind: 'reset-connections',
  defaults: { afterMs: 0 },
  toxic: ({ afterMs }) => ({ type: 'reset_peer', stream: 'upstream', attributes: { timeout: afterMs } }),
});
