import type { Fault } from './fault.ts';
import { toxicFault } from './toxic.ts';

/**
 * Cut every connection on link `from->to` after `bytes` bytes from the sender (Toxiproxy's limit_data): the
 * frame in flight arrives partially, and a node must never act on a partial message.
 */
export function partialMessages(link: string, { bytes = 40 }: { bytes?: number } = {}): Fault {
  return toxicFault({
    kind: 'partial-messages',
    link,
    stream: 'upstream',
    target: { bytes },
    toxic: () => ({ type: 'limit_data', attributes: { bytes } }),
  });
}
