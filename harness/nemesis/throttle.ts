import type { Fault } from './fault.ts';
import { toxicFault, type Stream } from './toxic.ts';

/** Limit one direction of a link to `kbPerSecond` (Toxiproxy's bandwidth): big messages queue up behind each other. */
export function throttle(link: string, { kbPerSecond, stream = 'downstream' }: { kbPerSecond: number; stream?: Stream }): Fault {
  return toxicFault({
    kind: 'throttle',
    link,
    stream,
    target: { kbPerSecond, stream },
    toxic: () => ({ type: 'bandwidth', attributes: { rate: kbPerSecond } }),
  });
}
