import { frameToxic } from './frame-stage.ts';

/** chaoslab's own: delivers a frame twice, back to back, with `probability`. */
export const duplicateFrames = frameToxic('duplicate_frames', (frame, context) => {
  const twice = context.random() < context.attributes().probability;
  if (twice) context.report(frame, 'duplicated');
  context.emit(frame);
  if (twice) context.emit(Buffer.from(frame));
});
