import type { ToxicKind } from '../toxic.ts';
import { frameStage } from './frame-stage.ts';

/** chaoslab's own: loses whole frames (messages), each with `probability`, and passes the others intact. */
export const dropFrames: ToxicKind<{ probability: number }> = {
  type: 'drop_frames',
  frameAware: true,
  attributes: { probability: { default: 1, integer: false, min: 0, max: 1 } },
  open: (context) =>
    frameStage(context, {
      frame(frame) {
        if (context.random() < context.attributes().probability) {
          context.report(frame, 'dropped');
          context.discard(frame.length);
        } else context.emit(frame);
      },
    }),
};
