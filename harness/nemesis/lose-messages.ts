import type { Fault } from './fault.ts';
import { toxicFault } from './toxic.ts';

/**
 * Lose what `from` sends to `to` (requests, 1-way messages) on link `from->to`. On chaoslab's proxy each frame
 * is dropped whole with `probability`; on a real Toxiproxy the `timeout` toxic drops the bytes and closes the
 * connection, the closest standard equivalent.
 */
export function loseMessages(link: string, { probability = 1 }: { probability?: number } = {}): Fault {
  return toxicFault({
    kind: 'lose-messages',
    link,
    stream: 'upstream',
    target: { probability },
    toxic: (lab) =>
      lab.frameToxics
        ? { type: 'drop_frames', attributes: { probability } }
        : { type: 'timeout', attributes: { timeout: 100 }, toxicity: probability },
  });
}
