import type { Timer } from '../../../nodes/env/index.ts';
import { milliseconds, probability, type ToxicKind } from '../toxic.ts';
import { frameStage } from './frame-stage.ts';

/**
 * chaoslab's own: reorders frames. With `probability` a frame is held back until `window` later frames have
 * passed it (or `max_delay` ms have gone by, so that a quiet stream does not keep it forever).
 */
export const delayFrames: ToxicKind<{ probability: number; window: number; max_delay: number }> = {
  type: 'delay_frames',
  frameAware: true,
  attributes: {
    probability: probability(),
    window: { default: 1, integer: true, min: 1 },
    max_delay: milliseconds(100),
  },
  open(context) {
    const held: { frame: Buffer; framesToWait: number; due: number }[] = [];
    let timer: Timer | undefined;

    const releaseDue = (): void => {
      const now = context.clock.now();
      for (let i = 0; i < held.length; ) {
        if (held[i]!.framesToWait <= 0 || held[i]!.due <= now) context.emit(held.splice(i, 1)[0]!.frame);
        else i++;
      }
      schedule();
    };
    const schedule = (): void => {
      context.clock.clearTimeout(timer);
      timer = undefined;
      if (held.length === 0) return;
      const soonest = Math.min(...held.map((h) => h.due));
      timer = context.clock.setTimeout(releaseDue, Math.max(0, soonest - context.clock.now()));
    };

    return frameStage(context, {
      frame(frame) {
        const { probability, window, max_delay: maxDelay } = context.attributes();
        if (context.random() < probability) {
          context.report(frame, 'delayed');
          held.push({ frame, framesToWait: window, due: context.clock.now() + maxDelay });
          schedule();
          return;
        }
        context.emit(frame);
        for (const h of held) h.framesToWait--;
        releaseDue();
      },
      release() {
        context.clock.clearTimeout(timer);
        timer = undefined;
        for (const h of held.splice(0)) context.emit(h.frame);
      },
    });
  },
};
