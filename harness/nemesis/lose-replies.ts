import type { Fault } from './fault.ts';
import { toxicFault } from './toxic.ts';

/**
 * Lose what `to` answers on link `from->to` (acks, RPC replies): the request arrived and was acted on, the
 * sender never learns it. Frame-exact on chaoslab's proxy; a `timeout` toxic downstream on a real Toxiproxy.
 */
export function loseReplies(link: string, { probability = 1 }: { probability?: number } = {}): Fault {
  return toxicFault({
    kind: 'lose-replies',
    link,
    stream: 'downstream',
    target: { probability },
    toxic: (lab) =>
      lab.frameToxics
        ? { type: 'drop_frames', attributes: { probability } }
        : { type: 'timeout', attributes: { timeout: 100 }, toxicity: probability },
  });
}
