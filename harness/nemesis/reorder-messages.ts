import { toxicFault } from './toxic.ts';

/**
 * Reorder what `from` sends on link `from->to` (frame toxic `delay_frames`): with `probability` a message is held
 * back until `window` later messages have overtaken it, or `maxDelayMs` has gone by on a quiet link. Nothing is
 * lost; a receiver that assumes FIFO delivery, or filters by "highest sequence number seen", shows it.
 */
export const reorderMessages = toxicFault({
  kind: 'reorder-messages',
  defaults: { probability: 0.5, window: 2, maxDelayMs: 100 },
  needs: 'frame-toxics',
  toxic: ({ probability, window, maxDelayMs }) => ({
    type: 'delay_frames',
    stream: 'upstream',
    attributes: { probability, window, max_delay: maxDelayMs },
  }),
});
