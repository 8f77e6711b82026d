import type { Fault } from './fault.ts';
import { toxicFault, type Stream } from './toxic.ts';

/** Delay the close of one direction of a link by `delayMs` (Toxiproxy's slow_close): a peer's goodbye arrives late. */
export function slowClose(link: string, { delayMs, stream = 'downstream' }: { delayMs: number; stream?: Stream }): Fault {
  return toxicFault({
    kind: 'slow-close',
    link,
    stream,
    target: { delayMs, stream },
    toxic: () => ({ type: 'slow_close', attributes: { delay: delayMs } }),
  });
}
