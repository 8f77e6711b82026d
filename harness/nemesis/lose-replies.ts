import { losing } from './lose-messages.ts';
import { toxicFault } from './toxic.ts';

/**
 * Lose what `to` answers on link `from->to` (acks, RPC replies): the request arrived and was acted on, the
 * sender never learns it. Frame-exact on chaoslab's proxy; a `timeout` toxic downstream on a real Toxiproxy.
 */
export const loseReplies = toxicFault({
  kind: 'lose-replies',
  defaults: { probability: 1 },
  toxic: ({ probability }, lab) => ({ stream: 'downstream', ...losing(probability, lab) }),
});
