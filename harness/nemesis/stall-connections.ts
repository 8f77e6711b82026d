import { toxicFault } from './toxic.ts';

/**
 * Black-hole what `from` sends on link `from->to` (Toxiproxy's timeout): its bytes are dropped and, `closeAfterMs`
 * later, the connection is closed; with 0 it stays open and silent until the fault ends, as a peer behind a
 * dead router looks.
 */
export const stallConnections = toxicFault({
  kind: 'stall-connections',
  defaults: { closeAfterMs: 0 },
  toxic: ({ closeAfterMs }) => ({ type: 'timeout', stream: 'upstream', attributes: { timeout: closeAfterMs } }),
});
