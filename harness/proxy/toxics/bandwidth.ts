import type { ToxicKind, ToxicStage } from '../toxic.ts';
import { TimedQueue } from './timed-queue.ts';

/** Limits the stream to `rate` KB/s (1 KB = 1000 bytes); large chunks leave in pieces of 100 ms worth. */
export const bandwidth: ToxicKind<{ rate: number }> = {
  type: 'bandwidth',
  attributes: { rate: { default: 0, integer: true, min: 0 } },
  open(context): ToxicStage {
    const queue = new TimedQueue(context);
    return {
      push(chunk) {
        const { rate } = context.attributes();
        if (rate <= 0) return queue.add(chunk, context.clock.now());
        const piece = rate * 100;
        for (let offset = 0; offset < chunk.length; offset += piece) {
          const part = chunk.subarray(offset, offset + piece);
          queue.add(part, queue.lastDue() + part.length / rate);
        }
      },
      end: () => queue.end(),
      detach: () => queue.releaseAll(),
    };
  },
};
