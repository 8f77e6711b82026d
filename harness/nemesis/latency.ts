import { toxicFault, type Stream } from './toxic.ts';

/** Delay one direction of a link: replies slower than the retransmission timer cause spurious retransmissions. */
export const latency = toxicFault<{ jitterMs: number; stream: Stream }, { ms: number }>({
  kind: 'latency',
  defaults: { jitterMs: 0, stream: 'downstream' },
  toxic: ({ ms, jitterMs, stream }) => ({ type: 'latency', stream, attributes: { latency: ms, jitter: jitterMs } }),
});
