import type { ToxicKind, ToxicStage } from '../toxic.ts';

/** Passes every byte and the end of the stream on as they come (Toxiproxy's `noop`, useful to test a client). */
export const noop: ToxicKind<Record<string, never>> = {
  type: 'noop',
  attributes: {},
  open(context): ToxicStage {
    return {
      push: (chunk) => context.emit(chunk),
      end: () => context.emitEnd(),
      detach() {},
    };
  },
};
