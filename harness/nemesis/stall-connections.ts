import type { Fault } from './fault.ts';
import { toxicFault } from './toxic.ts';

/**
 * Black-hole what `from` sends on link `from->to` (Toxiproxy's timeout): its bytes are dropped and, `closeAfterMs`
 * later, the connection is closed; with 0 it stays open and silent until the fault ends, as a peer behind a
 * dead router looks.
 */
export function stallConnections(link: string, { closeAfterMs = 0 }: { closeAfterMs?: number } = {}): Fault {
  return toxicFault({
    kind: 'stall-connections',
    link,
    stream: 'upstream',
    target: { closeAfterMs },
    toxic: () => ({ type: 'timeout', attributes: { timeout: closeAfterMs } }),
  });
}
