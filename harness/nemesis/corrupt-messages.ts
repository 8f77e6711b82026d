import type { Fault } from './fault.ts';
import { toxicFault } from './toxic.ts';

/** Flip bits in the payload of frames `from` sends, so that the checksum no longer matches (frame toxic). */
export function corruptMessages(link: string, { probability = 1 }: { probability?: number } = {}): Fault {
  return toxicFault({
    kind: 'corrupt-messages',
    link,
    stream: 'upstream',
    target: { probability },
    needs: 'frame-toxics',
    toxic: () => ({ type: 'corrupt_frames', attributes: { probability } }),
  });
}
