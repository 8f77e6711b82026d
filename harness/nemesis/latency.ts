import type { Fault } from './fault.ts';
import { toxicFault, type Stream } from './toxic.ts';

/** Delay one direction of a link: replies slower than the retransmission timer cause spurious retransmissions. */
export function latency(
  link: string,
  { ms, jitterMs = 0, stream = 'downstream' }: { ms: number; jitterMs?: number; stream?: Stream },
): Fault {
  return toxicFault({
    kind: 'latency',
    link,
    stream,
    target: { ms, jitterMs, stream },
    toxic: () => ({ type: 'latency', attributes: { latency: ms, jitter: jitterMs } }),
  });
}
