import { describe, expect, it } from 'vitest';
import { crc32c } from '../../nodes/wire/crc32c.ts';
import { encodeFrame, FrameDecoder, HEADER_BYTES } from '../../nodes/wire/frame.ts';

describe('crc32c', () => {
  it('matches the standard check value', () => {
    expect(crc32c(Buffer.from('123456789'))).toBe(0xe3069283);
    expect(crc32c(Buffer.alloc(0))).toBe(0);
  });
});

describe('frames', () => {
  it('round-trips messages however the bytes are split', () => {
    const messages = [{ type: 'a', n: 1 }, { type: 'b', text: 'ünïcödé ✓' }, { type: 'c', list: [1, 2, 3] }];
    const stream = Buffer.concat(messages.map((m) => encodeFrame(m)));
    for (const chunkSize of [1, 3, 7, stream.length]) {
      const decoder = new FrameDecoder();
      const out = [];
      for (let i = 0; i < stream.length; i += chunkSize) out.push(...decoder.push(stream.subarray(i, i + chunkSize)));
      expect(out).toEqual(messages.map((message) => ({ ok: true, message })));
      expect(decoder.pendingBytes).toBe(0);
    }
  });

  it('never delivers a partial frame', () => {
    const frame = encodeFrame({ type: 'send', body: 'x'.repeat(100) });
    const decoder = new FrameDecoder();
    expect(decoder.push(frame.subarray(0, frame.length - 1))).toEqual([]);
    expect(decoder.pendingBytes).toBe(frame.length - 1);
  });

  it('reports a flipped byte as corrupt and keeps decoding the frames after it', () => {
    const bad = encodeFrame({ type: 'one' });
    bad[HEADER_BYTES + 3]! ^= 0x01;
    const decoder = new FrameDecoder();
    const results = decoder.push(Buffer.concat([bad, encodeFrame({ type: 'two' })]));
    expect(results[0]).toMatchObject({ ok: false, reason: 'corrupt' });
    expect(results[1]).toEqual({ ok: true, message: { type: 'two' } });
  });

  it('refuses an oversize frame from its header alone and stops decoding', () => {
    const decoder = new FrameDecoder({ maxFrameBytes: 1024 });
    const header = Buffer.alloc(HEADER_BYTES);
    header.writeUInt32BE(1025, 0);
    expect(decoder.push(header)).toEqual([expect.objectContaining({ ok: false, reason: 'oversize' })]);
    expect(decoder.closed).toBe(true);
    expect(decoder.push(encodeFrame({ type: 'later' }))).toEqual([]);
  });

  it('reports a checksum-valid payload that is not JSON as malformed', () => {
    const payload = Buffer.from('{not json');
    const header = Buffer.alloc(HEADER_BYTES);
    header.writeUInt32BE(payload.length, 0);
    header.writeUInt32BE(crc32c(payload), 4);
    expect(new FrameDecoder().push(Buffer.concat([header, payload]))).toEqual([expect.objectContaining({ ok: false, reason: 'malformed' })]);
  });

  it('refuses to encode what JSON cannot carry', () => {
    expect(() => encodeFrame(undefined)).toThrow(/JSON/);
  });
});
