import type { Fault } from './fault.ts';
import { toxicFault } from './toxic.ts';

/**
 * Reorder what `from` sends on link `from->to` (frame toxic `delay_frames`): with `probability` a message is held
 * back until `window` later messages have overtaken it, or `maxDelayMs` has gone by on a quiet link. Nothing is
 * lost; a receiver that assumes FIFO delivery, or filters by "highest sequence number seen", shows it.
 */
export function reorderMessages(
  link: string,
  { probability = 0.5, window = 2, maxDelayMs = 100 }: { probability?: number; window?: number; maxDelayMs?: number } = {},
): Fault {
  return toxicFault({
    kind: 'reorder-messages',
    link,
    stream: 'upstream',
    target: { probability, window, maxDelayMs },
    needs: 'frame-toxics',
    toxic: () => ({ type: 'delay_frames', attributes: { probability, window, max_delay: maxDelayMs } }),
  });
}
