import { milliseconds, type ToxicKind, type ToxicStage } from '../toxic.ts';
import { TimedQueue } from './timed-queue.ts';

/** Delays every chunk by `latency` ms, plus or minus up to `jitter` ms, keeping the order of the bytes. */
export const latency: ToxicKind<{ latency: number; jitter: number }> = {
  type: 'latency',
  attributes: {
    latency: milliseconds(),
    jitter: milliseconds(),
  },
  open(context): ToxicStage {
    const queue = new TimedQueue(context);
    return {
      push(chunk) {
        const { latency, jitter } = context.attributes();
        const spread = jitter > 0 ? Math.round((context.random() * 2 - 1) * jitter) : 0;
        queue.add(chunk, context.clock.now() + Math.max(0, latency + spread));
      },
      end: () => queue.end(),
      detach: () => queue.releaseAll(),
    };
  },
};
