import { FrameSplitter } from '../frames.ts';
import { probability, type Attributes, type StageContext, type ToxicKind, type ToxicStage } from '../toxic.ts';

/** What a frame toxic does with each whole frame; `release` hands over frames it held back (delay_frames). */
export interface FrameHandler {
  frame(frame: Buffer): void;
  release?(): void;
}

/**
 * The stage shared by frame-aware toxics: whole frames go to the toxic's handler; the tail of a frame that was
 * under way when the toxic joined, and a partial frame left when the stream ends or the toxic leaves, pass as
 * they are, so the stream stays aligned on frame boundaries.
 */
export function frameStage(context: StageContext<Attributes>, handler: FrameHandler): ToxicStage {
  const splitter = new FrameSplitter(context.position, handler.frame, context.emit);
  const flush = () => {
    handler.release?.();
    const partial = splitter.drain();
    if (partial) context.emit(partial);
  };
  return {
    push: (chunk) => splitter.push(chunk),
    end() {
      flush();
      context.emitEnd();
    },
    detach: flush,
  };
}

/** A frame toxic with one attribute, `probability`: `onFrame` does what becomes of each whole frame. */
export function frameToxic(
  type: string,
  onFrame: (frame: Buffer, context: StageContext<{ probability: number }>) => void,
): ToxicKind<{ probability: number }> {
  return {
    type,
    frameAware: true,
    attributes: { probability: probability() },
    open: (context) => frameStage(context, { frame: (frame) => onFrame(frame, context) }),
  };
}
