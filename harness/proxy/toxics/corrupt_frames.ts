import { HEADER_BYTES } from '../../../nodes/wire/frame.ts';
import { frameToxic } from './frame-stage.ts';

/**
 * chaoslab's own: with `probability`, flips one bit of a frame's payload. The length is left alone so the
 * receiver stays in step, and CRC-32C detects every single-bit error, so the receiver must reject the frame.
 */
export const corruptFrames = frameToxic('corrupt_frames', (frame, context) => {
  const payloadBytes = frame.length - HEADER_BYTES;
  if (payloadBytes === 0 || context.random() >= context.attributes().probability) return context.emit(frame);
  const corrupted = Buffer.from(frame);
  const bit = Math.floor(context.random() * payloadBytes * 8);
  corrupted[HEADER_BYTES + (bit >> 3)]! ^= 1 << (bit & 7);
  context.report(frame, 'corrupted', corrupted);
  context.emit(corrupted);
});
