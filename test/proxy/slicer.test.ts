import { afterEach, describe, expect, it, vi } from 'vitest';
import { FRAME_BOUNDARY } from '../../harness/proxy/frames.ts';
import { labelledRandom } from '../../harness/random.ts';
import type { StageContext } from '../../harness/proxy/toxic.ts';
import { pieceSizes, slicer } from '../../harness/proxy/toxics/slicer.ts';
import { realEnv } from '../../nodes/env/real.ts';

afterEach(() => {
  vi.useRealTimers();
});

/** A slicer stage on its own, with what it emits collected. */
type SlicerAttributes = { average_size: number; size_variation: number; delay: number };

function openSlicer(attributes: SlicerAttributes, random = labelledRandom(1, 'slicer')) {
  const pieces: Buffer[] = [];
  let ended = false;
  const context: StageContext<SlicerAttributes> = {
    attributes: () => attributes,
    random,
    clock: realEnv.clock,
    position: FRAME_BOUNDARY,
    emit: (chunk) => pieces.push(chunk),
    emitEnd: () => (ended = true),
    discard: () => {},
    close: () => {},
    reset: () => {},
    report: () => {},
  };
  return { stage: slicer.open(context), pieces, ended: () => ended };
}

/** Lets the event loop turn (real setImmediate) until `done`, at most `turns` times. */
async function turnUntil(done: () => boolean, turns = 200_000): Promise<boolean> {
  for (let i = 0; i < turns && !done(); i++) await new Promise<void>((resolve) => setImmediate(resolve));
  return done();
}

const bytes = (length: number) => Buffer.from(Array.from({ length }, (_, i) => i % 251));

describe('slicer', () => {
  it('halves as Toxiproxy does: 1000 bytes at average 100 are 16 pieces of 62 and 63, not 10 of 100', () => {
    // With every draw 0, each cut falls exactly in the middle: 1000 -> 500 -> 250 -> 125 -> 62 + 63.
    expect(pieceSizes(1000, 100, 0, () => 0)).toEqual(Array.from({ length: 16 }, (_, i) => (i % 2 === 0 ? 62 : 63)));
    // With every draw near 1, each cut takes one byte more on the left: 1000 -> 501 -> 251 -> 126 -> 64 + 62.
    const late = pieceSizes(1000, 100, 0, () => 0.999);
    expect(late.slice(0, 4)).toEqual([64, 62, 63, 62]);
    expect(late.reduce((a, b) => a + b)).toBe(1000);
    const { stage, pieces } = openSlicer({ average_size: 100, size_variation: 0, delay: 0 }, () => 0);
    stage.push(bytes(1000));
    expect(pieces.map((p) => p.length)).toEqual(pieceSizes(1000, 100, 0, () => 0));
  });

  it('keeps every piece within average + variation and gives back every byte, however the cuts fall', () => {
    for (let seed = 0; seed < 50; seed++) {
      const sizes = pieceSizes(5000 + seed * 37, 100, 40, labelledRandom(seed, 'cuts'));
      expect(sizes.reduce((a, b) => a + b)).toBe(5000 + seed * 37);
      expect(Math.max(...sizes)).toBeLessThanOrEqual(140);
      expect(Math.min(...sizes)).toBeGreaterThanOrEqual(1);
    }
  });

  it('cuts 480 kB at average 1024 +- 512 with a 10 us delay into about 480 pieces, as Toxiproxy TestSlicerToxic expects', async () => {
    const data = Buffer.from('hello world '.repeat(40_000));
    const { stage, pieces, ended } = openSlicer({ average_size: 1024, size_variation: 512, delay: 10 });
    stage.push(data);
    stage.end();
    expect(await turnUntil(ended)).toBe(true);
    expect(pieces.length).toBeGreaterThanOrEqual(240);
    expect(pieces.length).toBeLessThanOrEqual(720);
    expect(Buffer.concat(pieces).equals(data)).toBe(true);
  });

  it('leaves a piece whole where Toxiproxy would recurse forever or cut outside it', () => {
    expect(pieceSizes(1000, 0, 0, () => 0.5)).toEqual([1000]);
    const wide = pieceSizes(1000, 10, 500, labelledRandom(3, 'wide'));
    expect(wide.reduce((a, b) => a + b)).toBe(1000);
    expect(wide.every((size) => size >= 1)).toBe(true);
  });

  it('delivers the same bytes, in order, with the end after the last piece', async () => {
    const { stage, pieces, ended } = openSlicer({ average_size: 50, size_variation: 20, delay: 5 });
    stage.push(bytes(3000));
    stage.push(bytes(700));
    stage.end();
    expect(await turnUntil(ended)).toBe(true);
    expect(Buffer.concat(pieces).equals(Buffer.concat([bytes(3000), bytes(700)]))).toBe(true);
    expect(Math.max(...pieces.map((p) => p.length))).toBeLessThanOrEqual(70);
  });

  it('waits microseconds between pieces, never a millisecond timer', async () => {
    // With millisecond timers frozen, a slicer whose 10 us delay became a timer would never send its second piece.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'] });
    const { stage, pieces } = openSlicer({ average_size: 100, size_variation: 0, delay: 10 });
    stage.push(bytes(1000));
    expect(pieces).toHaveLength(1);
    expect(await turnUntil(() => pieces.length === 16)).toBe(true);
    expect(Buffer.concat(pieces).equals(bytes(1000))).toBe(true);
  });

  it('hands on every piece still queued when removed', () => {
    const { stage, pieces, ended } = openSlicer({ average_size: 10, size_variation: 0, delay: 1_000_000 });
    stage.push(bytes(1000));
    stage.end();
    expect(pieces).toHaveLength(1);
    stage.detach();
    expect(Buffer.concat(pieces).equals(bytes(1000))).toBe(true);
    expect(ended()).toBe(true);
  });
});
