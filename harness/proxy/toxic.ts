import type { Clock } from '../../nodes/env/index.ts';
import type { Random } from '../random.ts';
import type { FramePosition } from './frames.ts';
import type { FrameFate } from './wire-log.ts';

/** `upstream` carries what the client sends to the server, `downstream` the server's answers. */
export type StreamDirection = 'upstream' | 'downstream';

export type Attributes = Record<string, number>;

/** The longest delay a Node timer keeps (about 24.8 days); a longer one would fire at once. */
export const LONGEST_TIMER_MS = 2 ** 31 - 1;

/** How one attribute is read from JSON: its default, whether it must be whole, and its allowed range. */
export interface AttributeSpec {
  default: number;
  integer: boolean;
  min?: number;
  max?: number;
}

/** A duration attribute in milliseconds: whole, not negative, within what a timer can wait. */
export function milliseconds(defaultValue = 0): AttributeSpec {
  return { default: defaultValue, integer: true, min: 0, max: LONGEST_TIMER_MS };
}

/** A chance from 0 to 1, certain unless set. */
export function probability(): AttributeSpec {
  return { default: 1, integer: false, min: 0, max: 1 };
}

/**
 * What a toxic's stage may do to its connection. Bytes leave a stage only through `emit`; bytes a stage throws
 * away are reported with `discard`, so the direction knows how much is still in flight (for backpressure).
 */
export interface StageContext<A extends Attributes> {
  /** The toxic's current attributes (they can change while the connection lives). */
  readonly attributes: () => A;
  /** Decisions of this toxic on this connection (seeded from the proxy's seed, proxy, toxic and connection). */
  readonly random: Random;
  /** Time and timers (virtual in a simulation). */
  readonly clock: Clock;
  /** Where the byte stream stood, frame-wise, when the stage joined the chain. */
  readonly position: FramePosition;
  emit(chunk: Buffer): void;
  /** The source has ended and everything before was emitted: end the next stage. */
  emitEnd(): void;
  discard(bytes: number): void;
  /** What a frame toxic did to `frame`, for the wire log; `replacement` is what it sends on instead. */
  report(frame: Buffer, fate: FrameFate, replacement?: Buffer): void;
  /** Close the whole connection (both sockets, orderly). */
  close(): void;
  /** Reset the whole connection (TCP RST on both sockets). */
  reset(): void;
}

/** One toxic at work on one direction of one connection. */
export interface ToxicStage {
  push(chunk: Buffer): void;
  /** The source has ended: pass on what is held, then `emitEnd` (or close the connection, as the toxic says). */
  end(): void;
  /** The toxic is being removed: hand everything held to the next stage now, synchronously, and stop timers. */
  detach(): void;
}

/** A toxic type, registered by name (one file per type in toxics/). */
export interface ToxicKind<A extends Attributes = Attributes> {
  readonly type: string;
  /** chaoslab's own: understands the node wire protocol's frames (a real Toxiproxy rejects these types). Absent on Toxiproxy's. */
  readonly frameAware?: true;
  /**
   * Deleting the toxic closes every connection it met, whether or not its toxicity draw applied it there
   * (Toxiproxy's cleanup step for this type); a toxicity change draws again without closing anything.
   */
  readonly closesWhenRemoved?: boolean;
  readonly attributes: { readonly [K in keyof A]: AttributeSpec };
  open(context: StageContext<A>): ToxicStage;
}
