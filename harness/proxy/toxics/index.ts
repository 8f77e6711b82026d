import type { ToxicKind } from '../toxic.ts';
import { bandwidth } from './bandwidth.ts';
import { corruptFrames } from './corrupt_frames.ts';
import { delayFrames } from './delay_frames.ts';
import { dropFrames } from './drop_frames.ts';
import { duplicateFrames } from './duplicate_frames.ts';
import { latency } from './latency.ts';
import { limitData } from './limit_data.ts';
import { noop } from './noop.ts';
import { resetPeer } from './reset_peer.ts';
import { slicer } from './slicer.ts';
import { slowClose } from './slow_close.ts';
import { timeout } from './timeout.ts';

/** Every toxic type by name: Toxiproxy's standard ones, then chaoslab's frame-aware ones. */
export const toxicKinds: ReadonlyMap<string, ToxicKind> = new Map(
  (
    [
      latency,
      bandwidth,
      slowClose,
      timeout,
      resetPeer,
      slicer,
      limitData,
      noop,
      dropFrames,
      duplicateFrames,
      corruptFrames,
      delayFrames,
    ] as unknown as ToxicKind[]
  ).map((kind) => [kind.type, kind]),
);
