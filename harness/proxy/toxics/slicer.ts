import { LONGEST_TIMER_MS, type ToxicKind, type ToxicStage } from '../toxic.ts';

/**
 * Cuts each chunk into pieces of about `average_size` bytes (plus or minus `size_variation`), with `delay`
 * microseconds between pieces (timers have millisecond resolution, so a non-zero delay is at least 1 ms).
 */
export const slicer: ToxicKind<{ average_size: number; size_variation: number; delay: number }> = {
  type: 'slicer',
  frameAware: false,
  attributes: {
    average_size: { default: 0, integer: true, min: 0 },
    size_variation: { default: 0, integer: true, min: 0 },
    delay: { default: 0, integer: true, min: 0, max: LONGEST_TIMER_MS },
  },
  open(context): ToxicStage {
    const queue: Buffer[] = [];
    let timer: NodeJS.Timeout | undefined;
    let ending = false;

    const cut = (chunk: Buffer): Buffer[] => {
      const { average_size: average, size_variation: variation } = context.attributes();
      if (average <= 0) return [chunk];
      const pieces: Buffer[] = [];
      for (let offset = 0; offset < chunk.length; ) {
        const spread = variation > 0 ? Math.round((context.random() * 2 - 1) * variation) : 0;
        const size = Math.max(1, average + spread);
        pieces.push(chunk.subarray(offset, offset + size));
        offset += size;
      }
      return pieces;
    };
    const sendNext = (): void => {
      timer = undefined;
      const piece = queue.shift();
      if (piece) context.emit(piece);
      if (queue.length > 0) timer = setTimeout(sendNext, context.attributes().delay / 1000);
      else if (ending) finish();
    };
    const finish = (): void => {
      ending = false;
      context.emitEnd();
    };

    return {
      push(chunk) {
        const pieces = cut(chunk);
        if (context.attributes().delay <= 0 && queue.length === 0) {
          for (const piece of pieces) context.emit(piece);
          return;
        }
        queue.push(...pieces);
        if (!timer) sendNext();
      },
      end() {
        ending = true;
        if (queue.length === 0 && !timer) finish();
      },
      detach() {
        clearTimeout(timer);
        timer = undefined;
        for (const piece of queue.splice(0)) context.emit(piece);
        if (ending) finish();
      },
    };
  },
};
