import type { ToxicKind } from '../toxic.ts';
import { frameStage } from './frame-stage.ts';

/** chaoslab's own: delivers a frame twice, back to back, with `probability`. */
export const duplicateFrames: ToxicKind<{ probability: number }> = {
  type: 'duplicate_frames',
  frameAware: true,
  attributes: { probability: { default: 1, integer: false, min: 0, max: 1 } },
  open: (context) =>
    frameStage(context, {
      frame(frame) {
        const twice = context.random() < context.attributes().probability;
        if (twice) context.report(frame, 'duplicated');
        context.emit(frame);
        if (twice) context.emit(Buffer.from(frame));
      },
    }),
};
