import type { Timer } from '../../../nodes/env/index.ts';
import { milliseconds, type ToxicKind, type ToxicStage } from '../toxic.ts';

/** Passes data as it comes, but holds the end of the stream (the FIN) for `delay` ms. */
export const slowClose: ToxicKind<{ delay: number }> = {
  type: 'slow_close',
  attributes: { delay: milliseconds() },
  open(context): ToxicStage {
    let timer: Timer | undefined;
    return {
      push: (chunk) => context.emit(chunk),
      end() {
        timer = context.clock.setTimeout(() => {
          timer = undefined;
          context.emitEnd();
        }, context.attributes().delay);
      },
      detach() {
        if (!timer) return;
        context.clock.clearTimeout(timer);
        timer = undefined;
        context.emitEnd();
      },
    };
  },
};
