import type { ToxicKind, ToxicStage } from '../toxic.ts';

/** Lets `bytes` bytes through on this connection and direction, then closes the connection. */
export const limitData: ToxicKind<{ bytes: number }> = {
  type: 'limit_data',
  attributes: { bytes: { default: 0, integer: true, min: 0 } },
  open(context): ToxicStage {
    let transmitted = 0;
    return {
      push(chunk) {
        const allowed = Math.max(0, context.attributes().bytes - transmitted);
        const passed = chunk.subarray(0, allowed);
        if (passed.length > 0) context.emit(passed);
        context.discard(chunk.length - passed.length);
        transmitted += passed.length;
        if (transmitted >= context.attributes().bytes) context.close();
      },
      end: () => context.close(),
      detach() {},
    };
  },
};
