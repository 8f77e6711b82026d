import { toxicFault } from './toxic.ts';

/**
 * Cut every connection on link `from->to` after `bytes` bytes from the sender (Toxiproxy's limit_data): the
 * frame in flight arrives partially, and a node must never act on a partial message.
 */
export const partialMessages = toxicFault({
  kind: 'partial-messages',
  defaults: { bytes: 40 },
  toxic: ({ bytes }) => ({ type: 'limit_data', stream: 'upstream', attributes: { bytes } }),
});
