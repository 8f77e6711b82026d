import { frameToxic } from './frame-stage.ts';

/** chaoslab's own: loses whole frames (messages), each with `probability`, and passes the others intact. */
export const dropFrames = frameToxic('drop_frames', (frame, context) => {
  if (context.random() < context.attributes().probability) {
    context.report(frame, 'dropped');
    context.discard(frame.length);
  } else context.emit(frame);
});
