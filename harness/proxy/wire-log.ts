import { performance } from 'node:perf_hooks';
import { HEADER_BYTES } from '../../nodes/wire/frame.ts';
import { FRAME_BOUNDARY, FrameSplitter } from './frames.ts';
import type { StreamDirection } from './toxic.ts';

// What the proxy saw of each message: when a frame entered a link, when it left it, and what a frame toxic did
// to it on the way. The proxy is the one witness of every node-to-node message on one clock, so a report draws
// how messages moved (and which toxic lost which copy) from this record instead of guessing from node logs.

/** What happened to one frame: `sent` (it entered the link), `delivered` (a copy left it), or a toxic's act. */
export const wireEvents = ['sent', 'delivered', 'dropped', 'duplicated', 'corrupted', 'delayed'] as const;
export type WireEventKind = (typeof wireEvents)[number];
/** What a frame toxic reports doing to a frame (the chain adds the toxic's name). */
export type FrameFate = Exclude<WireEventKind, 'sent' | 'delivered'>;

/** The few fields of a message that tie its frame to an op, a message key and its answer. */
export interface FrameLabel {
  type?: string;
  rid?: number;
  /** Message key {from, seq}: a call's `call.key`, a 1-way message's `id`. */
  key?: { from: string; seq: number };
  /** The op id the message carries (a call's `args.id`, a 1-way message's `body.id`). */
  op?: string;
  /** `service.proc` of a call. */
  proc?: string;
  /** An answer's error code (`duplicate`, `deadline` ...). */
  error?: string;
}

export interface WireEvent extends FrameLabel {
  /** Epoch ms, sub-millisecond. */
  time: number;
  proxy: string;
  stream: StreamDirection;
  /** The connection's number on its proxy (from 0). */
  connection: number;
  /** The frame's number in its direction of its connection, in the order it entered (-1: not matched). */
  frame: number;
  event: WireEventKind;
  bytes: number;
  /** The toxic that acted (its name), for dropped, duplicated, corrupted and delayed. */
  toxic?: string;
}

/** A long run keeps its first events; the rest are counted, so a reader knows the record was cut. */
export const WIRE_LOG_LIMIT = 200_000;

export class WireLog {
  readonly events: WireEvent[] = [];
  omitted = 0;

  record(event: WireEvent): void {
    if (this.events.length < WIRE_LOG_LIMIT) this.events.push(event);
    else this.omitted++;
  }

  /** Hands over what was recorded so far and starts afresh. */
  take(): { events: WireEvent[]; omitted: number } {
    const taken = { events: this.events.splice(0), omitted: this.omitted };
    this.omitted = 0;
    return taken;
  }
}

/** Contents remembered per direction to recognise a duplicate copy. */
const RECENT_CONTENTS = 1024;

export const wireNow = (): number => performance.timeOrigin + performance.now();

/**
 * Watches one direction of one connection: numbers frames as they enter, and matches every frame that leaves to
 * the frame it is a copy of (a duplicate or a retransmission with the same bytes leaves twice).
 */
export class WireTap {
  private readonly waiting = new Map<string, number[]>();
  /** The last frame number of each content that left: a second copy of it is a duplicate. */
  private readonly left = new Map<string, number>();
  private readonly labels = new Map<number, FrameLabel>();
  private entered = 0;
  private readonly input: FrameSplitter;
  private readonly output: FrameSplitter;

  constructor(
    private readonly log: WireLog,
    private readonly where: { proxy: string; stream: StreamDirection; connection: number },
  ) {
    this.input = new FrameSplitter(FRAME_BOUNDARY, (frame) => this.entering(frame), () => {});
    this.output = new FrameSplitter(FRAME_BOUNDARY, (frame) => this.leaving(frame), () => {});
  }

  /** Bytes that entered the link from its source. */
  in(chunk: Buffer): void {
    this.input.push(chunk);
  }

  /** Bytes that left the link toward its sink. */
  out(chunk: Buffer): void {
    this.output.push(chunk);
  }

  /** A toxic acted on `frame` (as it entered the toxic); `replacement` is what it sends on instead (corruption). */
  fate(frame: Buffer, fate: FrameFate, toxic: string, replacement?: Buffer): void {
    const content = frame.toString('latin1');
    const number = this.waiting.get(content)?.[0] ?? -1;
    if (fate === 'dropped') this.unwait(content);
    if (replacement && number >= 0) {
      this.unwait(content);
      this.wait(replacement.toString('latin1'), number);
    }
    this.emit(fate, number, frame.length, toxic);
  }

  private entering(frame: Buffer): void {
    const number = this.entered++;
    this.labels.set(number, labelOf(frame));
    this.wait(frame.toString('latin1'), number);
    this.emit('sent', number, frame.length);
  }

  private leaving(frame: Buffer): void {
    const content = frame.toString('latin1');
    let number = this.unwait(content);
    if (number === undefined) number = this.left.get(content) ?? -1;
    else {
      this.left.set(content, number);
      // A duplicate leaves right after its original: recent contents are enough, and memory stays bounded.
      if (this.left.size > RECENT_CONTENTS) this.left.delete(this.left.keys().next().value!);
    }
    this.emit('delivered', number, frame.length);
  }

  private wait(content: string, number: number): void {
    const queue = this.waiting.get(content);
    if (queue) queue.push(number);
    else this.waiting.set(content, [number]);
  }

  private unwait(content: string): number | undefined {
    const queue = this.waiting.get(content);
    const number = queue?.shift();
    if (queue && queue.length === 0) this.waiting.delete(content);
    return number;
  }

  private emit(event: WireEventKind, frame: number, bytes: number, toxic?: string): void {
    const label = this.labels.get(frame) ?? {};
    this.log.record({ time: wireNow(), ...this.where, frame, event, bytes, ...label, ...(toxic ? { toxic } : {}) });
  }
}

/** The message's identifying fields; a frame that does not parse (corrupt, partial) has none. */
export function labelOf(frame: Buffer): FrameLabel {
  let message: Record<string, unknown>;
  try {
    message = JSON.parse(frame.toString('utf8', HEADER_BYTES)) as Record<string, unknown>;
  } catch {
    return {};
  }
  if (typeof message !== 'object' || message === null) return {};
  const label: FrameLabel = {};
  if (typeof message.type === 'string') label.type = message.type;
  if (typeof message.rid === 'number') label.rid = message.rid;
  const call = asObject(message.call);
  const key = asKey(call?.key) ?? asKey(message.id);
  if (key) label.key = key;
  const op = asObject(call?.args)?.id ?? asObject(message.body)?.id;
  if (typeof op === 'string') label.op = op;
  if (call && typeof call.service === 'string' && typeof call.proc === 'string') label.proc = `${call.service}.${call.proc}`;
  const code = asObject(message.error)?.code;
  if (typeof code === 'string') label.error = code;
  return label;
}

const asObject = (value: unknown) => (typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined);

function asKey(value: unknown): { from: string; seq: number } | undefined {
  const key = asObject(value);
  return key && typeof key.from === 'string' && typeof key.seq === 'number' ? { from: key.from, seq: key.seq } : undefined;
}
