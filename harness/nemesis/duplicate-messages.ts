import type { Fault } from './fault.ts';
import { toxicFault } from './toxic.ts';

/** Deliver frames `from` sends twice, as a network that retransmits below the application would (frame toxic). */
export function duplicateMessages(link: string, { probability = 1 }: { probability?: number } = {}): Fault {
  return toxicFault({
    kind: 'duplicate-messages',
    link,
    stream: 'upstream',
    target: { probability },
    needs: 'frame-toxics',
    toxic: () => ({ type: 'duplicate_frames', attributes: { probability } }),
  });
}
