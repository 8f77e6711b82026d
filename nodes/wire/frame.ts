import { crc32c } from './crc32c.ts';

// A frame is `u32 BE payload length | u32 BE CRC-32C of the payload | payload (UTF-8 JSON)`.
// The length says when the whole message has arrived, the checksum says it arrived without errors.
export const HEADER_BYTES = 8;
export const DEFAULT_MAX_FRAME_BYTES = 1024 * 1024;

export type DropReason = 'corrupt' | 'oversize' | 'malformed';
export type DecodeResult = { ok: true; message: unknown } | { ok: false; reason: DropReason; detail: string };

export function encodeFrame(payload: unknown): Buffer {
  const json = JSON.stringify(payload);
  if (json === undefined) throw new TypeError('encodeFrame: payload is not JSON-serialisable');
  const length = Buffer.byteLength(json);
  const frame = Buffer.allocUnsafe(HEADER_BYTES + length);
  frame.write(json, HEADER_BYTES, 'utf8');
  frame.writeUInt32BE(length, 0);
  frame.writeUInt32BE(crc32c(frame.subarray(HEADER_BYTES)), 4);
  return frame;
}

/**
 * Turns a byte stream into whole messages, all or nothing: a frame is delivered only once every byte of it has
 * arrived and its checksum matches. A corrupt or malformed frame is reported and skipped (its length still tells
 * where the next frame starts). An oversize frame is refused as soon as its header arrives, before its body is
 * buffered; the decoder then cannot know where the next frame starts, so it stops decoding and the owner closes
 * the connection.
 */
export class FrameDecoder {
  readonly maxFrameBytes: number;
  private readonly verifyChecksum: boolean;
  private chunks: Buffer[] = [];
  private buffered = 0;
  private poisoned = false;

  /** @param verifyChecksum false only for the `skip-checksum` bug (H3's bug zoo): corrupt frames get through. */
  constructor({ maxFrameBytes = DEFAULT_MAX_FRAME_BYTES, verifyChecksum = true }: { maxFrameBytes?: number; verifyChecksum?: boolean } = {}) {
    this.maxFrameBytes = maxFrameBytes;
    this.verifyChecksum = verifyChecksum;
  }

  /** Bytes received that do not yet form a whole frame; non-zero when a connection ends means a partial frame. */
  get pendingBytes(): number {
    return this.buffered;
  }

  /** True after an oversize frame: nothing more can be decoded on this stream. */
  get closed(): boolean {
    return this.poisoned;
  }

  push(chunk: Buffer): DecodeResult[] {
    if (this.poisoned) return [];
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    const results: DecodeResult[] = [];
    while (this.buffered >= HEADER_BYTES) {
      const header = this.peek(HEADER_BYTES);
      const length = header.readUInt32BE(0);
      if (length > this.maxFrameBytes) {
        this.poisoned = true;
        this.chunks = [];
        this.buffered = 0;
        results.push({ ok: false, reason: 'oversize', detail: `frame of ${length} bytes exceeds ${this.maxFrameBytes}` });
        break;
      }
      if (this.buffered < HEADER_BYTES + length) break;
      const frame = this.take(HEADER_BYTES + length);
      results.push(decodePayload(frame.readUInt32BE(4), frame.subarray(HEADER_BYTES), this.verifyChecksum));
    }
    return results;
  }

  private peek(bytes: number): Buffer {
    if (this.chunks[0]!.length < bytes) this.chunks = [Buffer.concat(this.chunks)];
    return this.chunks[0]!;
  }

  private take(bytes: number): Buffer {
    const head = this.peek(bytes);
    const taken = head.subarray(0, bytes);
    if (head.length === bytes) this.chunks.shift();
    else this.chunks[0] = head.subarray(bytes);
    this.buffered -= bytes;
    return taken;
  }
}

function decodePayload(expectedCrc: number, payload: Buffer, verifyChecksum = true): DecodeResult {
  const actualCrc = crc32c(payload);
  if (actualCrc !== expectedCrc && verifyChecksum) {
    return { ok: false, reason: 'corrupt', detail: `checksum ${hex(actualCrc)} != ${hex(expectedCrc)}` };
  }
  try {
    return { ok: true, message: JSON.parse(payload.toString('utf8')) };
  } catch (error) {
    return { ok: false, reason: 'malformed', detail: `payload is not JSON: ${(error as Error).message}` };
  }
}

const hex = (n: number) => `0x${n.toString(16).padStart(8, '0')}`;
