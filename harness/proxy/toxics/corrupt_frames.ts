import { HEADER_BYTES } from '../../../nodes/wire/frame.ts';
import type { ToxicKind } from '../toxic.ts';
import { frameStage } from './frame-stage.ts';

/**
 * chaoslab's own: with `probability`, flips one bit of a frame's payload. The length is left alone so the
 * receiver stays in step, and CRC-32C detects every single-bit error, so the receiver must reject the frame.
 */
export const corruptFrames: ToxicKind<{ probability: number }> = {
  type: 'corrupt_frames',
  frameAware: true,
  attributes: { probability: { default: 1, integer: false, min: 0, max: 1 } },
  open: (context) =>
    frameStage(context, {
      frame(frame) {
        const payloadBytes = frame.length - HEADER_BYTES;
        if (payloadBytes === 0 || context.random() >= context.attributes().probability) return context.emit(frame);
        const corrupted = Buffer.from(frame);
        const bit = Math.floor(context.random() * payloadBytes * 8);
        corrupted[HEADER_BYTES + (bit >> 3)]! ^= 1 << (bit & 7);
        context.report(frame, 'corrupted', corrupted);
        context.emit(corrupted);
      },
    }),
};
