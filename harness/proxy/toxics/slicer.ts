import type { Random } from '../../random.ts';
import { LONGEST_TIMER_MS, type ToxicKind, type ToxicStage } from '../toxic.ts';
import { waitMicroseconds } from './microseconds.ts';

/**
 * Cuts each chunk in pieces as Toxiproxy does: a piece more than `size_variation` bytes over `average_size` is
 * halved, the cut moved by up to `size_variation` either way, and each half cut again; so pieces come out between
 * about half and all of `average_size` + `size_variation`. Each piece is followed by `delay` microseconds.
 */
export const slicer: ToxicKind<{ average_size: number; size_variation: number; delay: number }> = {
  type: 'slicer',
  attributes: {
    average_size: { default: 0, integer: true, min: 0 },
    size_variation: { default: 0, integer: true, min: 0 },
    delay: { default: 0, integer: true, min: 0, max: LONGEST_TIMER_MS },
  },
  open(context): ToxicStage {
    let queue: Buffer[] = [];
    let next = 0;
    let cancelWait: (() => void) | undefined;
    let ending = false;

    const finish = (): void => {
      ending = false;
      context.emitEnd();
    };
    // Sends pieces until one is followed by a wait; the end passes once every piece and its wait are done.
    const pump = (): void => {
      cancelWait = undefined;
      while (next < queue.length) {
        context.emit(queue[next++]!);
        const delay = context.attributes().delay;
        if (delay > 0) {
          cancelWait = waitMicroseconds(context.clock, delay, pump);
          return;
        }
      }
      queue = [];
      next = 0;
      if (ending) finish();
    };

    return {
      push(chunk) {
        const { average_size: average, size_variation: variation } = context.attributes();
        let offset = 0;
        for (const size of pieceSizes(chunk.length, average, variation, context.random)) {
          queue.push(chunk.subarray(offset, offset + size));
          offset += size;
        }
        if (!cancelWait) pump();
      },
      end() {
        ending = true;
        if (!cancelWait) pump();
      },
      detach() {
        cancelWait?.();
        cancelWait = undefined;
        for (; next < queue.length; next++) context.emit(queue[next]!);
        queue = [];
        next = 0;
        if (ending) finish();
      },
    };
  },
};

/**
 * Toxiproxy's halving, draw for draw (the cut's shift, then one more byte or not). Where Toxiproxy would recurse
 * forever (`average_size` 0) or cut outside the piece (`size_variation` beyond the piece), the piece stays whole
 * or the cut is kept inside it.
 */
export function pieceSizes(size: number, average: number, variation: number, random: Random): number[] {
  const sizes: number[] = [];
  const halve = (piece: number): void => {
    if (average <= 0 || piece < 2 || piece - average <= variation) {
      sizes.push(piece);
      return;
    }
    let cut = Math.floor(piece / 2);
    if (variation > 0) cut += Math.floor(random() * variation * 2) - variation;
    cut += Math.floor(random() * 2);
    cut = Math.min(piece - 1, Math.max(1, cut));
    halve(cut);
    halve(piece - cut);
  };
  if (size > 0) halve(size);
  return sizes;
}
