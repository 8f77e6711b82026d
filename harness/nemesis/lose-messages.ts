import type { Lab } from '../lab.ts';
import { toxicFault } from './toxic.ts';

/**
 * Lose what `from` sends to `to` (requests, 1-way messages) on link `from->to`. On chaoslab's proxy each frame
 * is dropped whole with `probability`; on a real Toxiproxy the `timeout` toxic drops the bytes and closes the
 * connection, the closest standard equivalent.
 */
export const loseMessages = toxicFault({
  kind: 'lose-messages',
  defaults: { probability: 1 },
  toxic: ({ probability }, lab) => ({ stream: 'upstream', ...losing(probability, lab) }),
});

/** The toxic that loses frames with `probability` on `lab`'s proxy (lose-replies uses it downstream). */
export function losing(probability: number, lab: Lab) {
  return lab.frameToxics
    ? { type: 'drop_frames', attributes: { probability } }
    : { type: 'timeout', attributes: { timeout: 100 }, toxicity: probability };
}
