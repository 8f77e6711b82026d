import { toxicFault, type Stream } from './toxic.ts';

/** Delay the close of one direction of a link by `delayMs` (Toxiproxy's slow_close): a peer's goodbye arrives late. */
export const slowClose = toxicFault<{ stream: Stream }, { delayMs: number }>({
  kind: 'slow-close',
  defaults: { stream: 'downstream' },
  toxic: ({ delayMs, stream }) => ({ type: 'slow_close', stream, attributes: { delay: delayMs } }),
});
