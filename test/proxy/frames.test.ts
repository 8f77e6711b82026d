import { describe, expect, it } from 'vitest';
import { encodeFrame } from '../../nodes/wire/frame.ts';
import { FRAME_BOUNDARY, FrameCursor, FrameSplitter } from '../../harness/proxy/frames.ts';
import { labelledRandom } from '../../harness/random.ts';

const stream = Buffer.concat(
  Array.from({ length: 40 }, (_, i) => encodeFrame({ type: 'msg', i, pad: 'x'.repeat((i * 37) % 300) })),
);

/** Frame start offsets of `stream`, read from the lengths. */
const boundaries = (() => {
  const starts = [0];
  while (starts.at(-1)! < stream.length) starts.push(starts.at(-1)! + 8 + stream.readUInt32BE(starts.at(-1)!));
  return starts;
})();

function chunked(bytes: Buffer, random: () => number): Buffer[] {
  const chunks: Buffer[] = [];
  for (let offset = 0; offset < bytes.length; ) {
    const size = 1 + Math.floor(random() * 90);
    chunks.push(bytes.subarray(offset, offset + size));
    offset += size;
  }
  return chunks;
}

describe('frame boundaries', () => {
  it('the splitter hands out exactly the frames, however the stream is cut', () => {
    for (let seed = 0; seed < 20; seed++) {
      const frames: Buffer[] = [];
      const raw: Buffer[] = [];
      const splitter = new FrameSplitter(FRAME_BOUNDARY, (f) => frames.push(Buffer.from(f)), (r) => raw.push(r));
      for (const chunk of chunked(stream, labelledRandom(seed, 'cuts'))) splitter.push(chunk);
      expect(raw).toEqual([]);
      expect(frames).toHaveLength(40);
      expect(Buffer.concat(frames).equals(stream)).toBe(true);
      expect(splitter.drain()).toBeUndefined();
    }
  });

  it('a splitter started anywhere passes the rest of that frame raw and splits from the next boundary', () => {
    for (const start of [1, 5, 8, 9, boundaries[3]! - 1, boundaries[3]!, boundaries[3]! + 3]) {
      const cursor = new FrameCursor();
      cursor.advance(stream.subarray(0, start));
      const frames: Buffer[] = [];
      const raw: Buffer[] = [];
      const splitter = new FrameSplitter(cursor.position(), (f) => frames.push(Buffer.from(f)), (r) => raw.push(Buffer.from(r)));
      for (const chunk of chunked(stream.subarray(start), labelledRandom(start, 'cuts'))) splitter.push(chunk);
      const next = boundaries.find((b) => b >= start)!;
      expect(Buffer.concat(raw).equals(stream.subarray(start, next))).toBe(true);
      expect(Buffer.concat(frames).equals(stream.subarray(next))).toBe(true);
    }
  });

  it('a partial frame is held, then handed out by drain', () => {
    const frames: Buffer[] = [];
    const splitter = new FrameSplitter(FRAME_BOUNDARY, (f) => frames.push(f), () => {});
    splitter.push(stream.subarray(0, boundaries[1]! + 5));
    expect(frames).toHaveLength(1);
    expect(splitter.drain()!.equals(stream.subarray(boundaries[1]!, boundaries[1]! + 5))).toBe(true);
  });

  it('a frame too large to buffer streams through raw and the next frame is split again', () => {
    const huge = Buffer.alloc(8);
    huge.writeUInt32BE(20 * 1024 * 1024, 0);
    const frames: Buffer[] = [];
    let rawBytes = 0;
    const splitter = new FrameSplitter(FRAME_BOUNDARY, (f) => frames.push(f), (r) => (rawBytes += r.length));
    splitter.push(huge);
    for (let i = 0; i < 20; i++) splitter.push(Buffer.alloc(1024 * 1024));
    splitter.push(stream.subarray(0, boundaries[2]!));
    expect(rawBytes).toBe(8 + 20 * 1024 * 1024);
    expect(frames).toHaveLength(2);
  });
});

describe('the cost of following frames', () => {
  const chunks = (bytes: Buffer, size: number) =>
    Array.from({ length: Math.ceil(bytes.length / size) }, (_, i) => bytes.subarray(i * size, (i + 1) * size));

  it('a stream of zero bytes is not frames: the cursor reads one header and then does no work per chunk', () => {
    const cursor = new FrameCursor();
    for (const chunk of chunks(Buffer.alloc(4 * 1024 * 1024), 64 * 1024)) cursor.advance(chunk);
    expect(cursor.headersRead).toBe(1);
    expect(cursor.framed).toBe(false);
  });

  it('random bytes cost a handful of headers in all, whatever their amount', () => {
    const random = labelledRandom(5, 'bytes');
    const bytes = Buffer.from(Array.from({ length: 1024 * 1024 }, () => Math.floor(random() * 256)));
    const cursor = new FrameCursor();
    for (const chunk of chunks(bytes, 64 * 1024)) cursor.advance(chunk);
    expect(cursor.headersRead).toBeLessThanOrEqual(3);
  });

  it('frames of the wire protocol are followed header by header, however the stream is cut', () => {
    for (let seed = 0; seed < 5; seed++) {
      const cursor = new FrameCursor();
      for (const chunk of chunked(stream, labelledRandom(seed, 'cuts'))) cursor.advance(chunk);
      expect(cursor.headersRead).toBe(40);
      expect(cursor.atBoundary).toBe(true);
    }
  });

  it('a splitter on a stream that is not frames passes it as it is, from its first empty frame on', () => {
    const frames: Buffer[] = [];
    const raw: Buffer[] = [];
    const splitter = new FrameSplitter(FRAME_BOUNDARY, (f) => frames.push(Buffer.from(f)), (r) => raw.push(Buffer.from(r)));
    const zeros = Buffer.alloc(100_000);
    splitter.push(Buffer.concat([stream.subarray(0, boundaries[2]!), zeros.subarray(0, 3)]));
    splitter.push(zeros.subarray(3));
    splitter.push(stream);
    expect(frames).toHaveLength(2);
    expect(Buffer.concat(raw).equals(Buffer.concat([zeros, stream]))).toBe(true);
    const cursor = new FrameCursor();
    cursor.advance(Buffer.alloc(8));
    const late = new FrameSplitter(cursor.position(), (f) => frames.push(f), (r) => raw.push(r));
    late.push(stream);
    expect(frames).toHaveLength(2);
  });
});

describe('seeded randomness', () => {
  it('the same seed and labels give the same numbers, other labels other numbers', () => {
    const draw = (seed: number, ...labels: string[]) => Array.from({ length: 5 }, labelledRandom(seed, ...labels));
    expect(draw(1, 'p', 't')).toEqual(draw(1, 'p', 't'));
    expect(draw(1, 'p', 't')).not.toEqual(draw(2, 'p', 't'));
    expect(draw(1, 'p', 't')).not.toEqual(draw(1, 'p', 'u'));
    expect(draw(1, 'p', 't').every((n) => n >= 0 && n < 1)).toBe(true);
  });
});
