import { HEADER_BYTES } from '../../nodes/wire/frame.ts';

// Frame-aware toxics act on whole frames of the node wire protocol (u32 BE length, u32 BE CRC-32C, payload).
// A proxy only needs the length to find frame boundaries; checking the CRC and parsing JSON is the node's job
// (nodes/wire/frame.ts), and a proxy must forward a corrupt frame as it is.

/** Frames larger than this are streamed through undecided instead of being buffered whole. */
export const LARGEST_BUFFERED_FRAME = 16 * 1024 * 1024;

/** Where a byte stream stands relative to frame boundaries: inside a header, or inside a body. */
export interface FramePosition {
  /**
   * False once the stream showed it is not the wire protocol (an empty frame: a node never sends one, since a
   * JSON payload is never empty). Such a stream has no boundaries to follow, and frame toxics pass it as it is.
   */
  readonly framed: boolean;
  /** The first bytes of a header already seen (empty at a boundary or inside a body). */
  readonly headerSeen: Buffer;
  /** Body bytes still to come of the current frame. */
  readonly bodyRemaining: number;
}

export const FRAME_BOUNDARY: FramePosition = { framed: true, headerSeen: Buffer.alloc(0), bodyRemaining: 0 };

/**
 * Follows frame boundaries over bytes that pass by, so that a frame toxic added to a live connection knows where
 * the next frame starts (nothing else can tell: only the length of every frame before it). The work is a few
 * operations per frame header, nothing per body byte; once the stream shows it is not frames, nothing at all.
 */
export class FrameCursor {
  private readonly header = Buffer.alloc(HEADER_BYTES);
  private headerFilled = 0;
  private bodyRemaining = 0;
  private following: boolean;
  /** Frame headers read so far: the cursor's work. */
  headersRead = 0;

  constructor(from: FramePosition = FRAME_BOUNDARY) {
    from.headerSeen.copy(this.header);
    this.headerFilled = from.headerSeen.length;
    this.bodyRemaining = from.bodyRemaining;
    this.following = from.framed;
  }

  get framed(): boolean {
    return this.following;
  }

  get atBoundary(): boolean {
    return this.following && this.headerFilled === 0 && this.bodyRemaining === 0;
  }

  advance(chunk: Buffer): void {
    let offset = 0;
    while (this.following && offset < chunk.length) {
      if (this.bodyRemaining > 0) {
        const step = Math.min(this.bodyRemaining, chunk.length - offset);
        this.bodyRemaining -= step;
        offset += step;
      } else if (this.headerFilled === 0 && chunk.length - offset >= HEADER_BYTES) {
        this.startBody(chunk.readUInt32BE(offset));
        offset += HEADER_BYTES;
      } else {
        const take = Math.min(HEADER_BYTES - this.headerFilled, chunk.length - offset);
        chunk.copy(this.header, this.headerFilled, offset, offset + take);
        this.headerFilled += take;
        offset += take;
        if (this.headerFilled === HEADER_BYTES) {
          this.headerFilled = 0;
          this.startBody(this.header.readUInt32BE(0));
        }
      }
    }
  }

  /** How many of the next bytes belong to the frame in progress (0 at a boundary; needs the header complete). */
  bytesToBoundary(): number | undefined {
    if (this.headerFilled > 0) return undefined;
    return this.bodyRemaining;
  }

  position(): FramePosition {
    return {
      framed: this.following,
      headerSeen: Buffer.from(this.header.subarray(0, this.headerFilled)),
      bodyRemaining: this.bodyRemaining,
    };
  }

  private startBody(length: number): void {
    this.headersRead++;
    this.bodyRemaining = length;
    if (length === 0) this.following = false;
  }
}

/**
 * Cuts a byte stream into whole frames. Bytes of a frame that was already under way when the splitter started,
 * frames too large to buffer, and a stream that is not frames (from its first empty frame on) go out as they are
 * (`raw`); every other frame is handed whole to `frame`.
 */
export class FrameSplitter {
  private readonly lead: FrameCursor;
  private passthrough = 0;
  private pending: Buffer[] = [];
  private pendingBytes = 0;

  constructor(
    start: FramePosition,
    private readonly frame: (frame: Buffer) => void,
    private readonly raw: (bytes: Buffer) => void,
  ) {
    this.lead = new FrameCursor(start);
  }

  push(chunk: Buffer): void {
    chunk = this.finishLeadingFrame(chunk);
    while (chunk.length > 0) {
      if (!this.lead.framed) {
        this.raw(chunk);
        return;
      }
      if (this.passthrough > 0) {
        const take = Math.min(this.passthrough, chunk.length);
        this.raw(chunk.subarray(0, take));
        this.passthrough -= take;
        chunk = chunk.subarray(take);
        continue;
      }
      this.pending.push(chunk);
      this.pendingBytes += chunk.length;
      chunk = this.takeWholeFrames();
    }
  }

  /** Bytes held that do not yet form a whole frame; handed out as they are when the stage ends or leaves. */
  drain(): Buffer | undefined {
    if (this.pendingBytes === 0) return undefined;
    const held = Buffer.concat(this.pending, this.pendingBytes);
    this.pending = [];
    this.pendingBytes = 0;
    return held;
  }

  private finishLeadingFrame(chunk: Buffer): Buffer {
    while (this.lead.framed && !this.lead.atBoundary && chunk.length > 0) {
      const inBody = this.lead.bytesToBoundary();
      const take = Math.min(inBody ?? 1, chunk.length);
      this.lead.advance(chunk.subarray(0, take));
      this.raw(chunk.subarray(0, take));
      chunk = chunk.subarray(take);
    }
    return chunk;
  }

  /** Hands out every whole frame held; returns what follows a frame too large to buffer (to stream it raw). */
  private takeWholeFrames(): Buffer {
    while (this.pendingBytes >= HEADER_BYTES) {
      if (this.pending[0]!.length < HEADER_BYTES) this.pending = [this.joinPending()];
      const size = HEADER_BYTES + this.pending[0]!.readUInt32BE(0);
      if (size === HEADER_BYTES) {
        // Not the wire protocol: the lead cursor stops following, and the rest passes as it is.
        const held = this.joinPending();
        this.lead.advance(held.subarray(0, HEADER_BYTES));
        this.pending = [];
        this.pendingBytes = 0;
        this.raw(held);
        return Buffer.alloc(0);
      }
      const oversize = size - HEADER_BYTES > LARGEST_BUFFERED_FRAME;
      if (!oversize && this.pendingBytes < size) return Buffer.alloc(0);
      const joined = this.joinPending();
      this.pending = [];
      this.pendingBytes = 0;
      if (oversize) {
        const sent = Math.min(size, joined.length);
        this.raw(joined.subarray(0, sent));
        this.passthrough = size - sent;
        return joined.subarray(sent);
      }
      this.frame(joined.subarray(0, size));
      const rest = joined.subarray(size);
      if (rest.length > 0) {
        this.pending = [rest];
        this.pendingBytes = rest.length;
      }
    }
    return Buffer.alloc(0);
  }

  private joinPending(): Buffer {
    return this.pending.length === 1 ? this.pending[0]! : Buffer.concat(this.pending, this.pendingBytes);
  }
}
