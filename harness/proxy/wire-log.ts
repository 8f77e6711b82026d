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

/** A long run keeps its first events; past the limit the log stops looking and says it was cut. */
export const WIRE_LOG_LIMIT = 200_000;

export class WireLog {
  readonly events: WireEvent[] = [];
  /** Frames passed unrecorded since the limit was reached. */
  truncated = false;

  /** @param now the time each event is stamped with (high-resolution epoch ms). */
  constructor(readonly now: () => number = wireNow) {}

  /** At the limit: frames from now on pass unrecorded. */
  get full(): boolean {
    return this.events.length >= WIRE_LOG_LIMIT;
  }

  /** Whether bytes that pass now are looked at; once full, they pass unrecorded and the log says it was cut. */
  watching(): boolean {
    if (!this.full) return true;
    this.truncated = true;
    return false;
  }

  record(event: WireEvent): void {
    if (this.events.length < WIRE_LOG_LIMIT) this.events.push(event);
    else this.truncated = true;
  }

  /** Hands over what was recorded so far and starts afresh. */
  take(): { events: WireEvent[]; truncated: boolean } {
    const taken = { events: this.events.splice(0), truncated: this.truncated };
    this.truncated = false;
    return taken;
  }
}

/** Contents remembered per direction to recognise a duplicate copy. */
const RECENT_CONTENTS = 1024;

export const wireNow = (): number => performance.timeOrigin + performance.now();

/** A frame the tap has numbered, with what its message says. */
interface Numbered {
  number: number;
  label: FrameLabel;
}

const UNMATCHED: Numbered = { number: -1, label: {} };

/**
 * Watches one direction of one connection: numbers frames as they enter, and matches every frame that leaves to
 * the frame it is a copy of (a duplicate or a retransmission with the same bytes leaves twice). Once the log is
 * full it stops looking, so a long run costs nothing more.
 */
export class WireTap {
  /** Frames that entered and have not left yet, by content (identical frames queue in order). */
  private readonly waiting = new Map<string, Numbered[]>();
  /** The last frame of each content that left: a second copy of it is a duplicate. */
  private readonly left = new Map<string, Numbered>();
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
    if (this.log.watching()) this.input.push(chunk);
  }

  /** Bytes that left the link toward its sink. */
  out(chunk: Buffer): void {
    if (this.log.watching()) this.output.push(chunk);
  }

  /** A toxic acted on `frame` (as it entered the toxic); `replacement` is what it sends on instead (corruption). */
  fate(frame: Buffer, fate: FrameFate, toxic: string, replacement?: Buffer): void {
    if (!this.log.watching()) return;
    const content = frame.toString('latin1');
    const numbered = this.waiting.get(content)?.[0] ?? UNMATCHED;
    if (fate === 'dropped') this.unwait(content);
    if (replacement && numbered !== UNMATCHED) {
      this.unwait(content);
      this.wait(replacement.toString('latin1'), numbered);
    }
    this.emit(fate, numbered, frame.length, toxic);
  }

  private entering(frame: Buffer): void {
    const numbered = { number: this.entered++, label: labelOf(frame) };
    this.wait(frame.toString('latin1'), numbered);
    this.emit('sent', numbered, frame.length);
  }

  private leaving(frame: Buffer): void {
    const content = frame.toString('latin1');
    let numbered = this.unwait(content);
    if (numbered === undefined) numbered = this.left.get(content) ?? UNMATCHED;
    else {
      this.left.set(content, numbered);
      // A duplicate leaves right after its original: recent contents are enough, and memory stays bounded.
      if (this.left.size > RECENT_CONTENTS) this.left.delete(this.left.keys().next().value!);
    }
    this.emit('delivered', numbered, frame.length);
  }

  private wait(content: string, numbered: Numbered): void {
    const queue = this.waiting.get(content);
    if (queue) queue.push(numbered);
    else this.waiting.set(content, [numbered]);
  }

  private unwait(content: string): Numbered | undefined {
    const queue = this.waiting.get(content);
    const numbered = queue?.shift();
    if (queue && queue.length === 0) this.waiting.delete(content);
    return numbered;
  }

  private emit(event: WireEventKind, { number, label }: Numbered, bytes: number, toxic?: string): void {
    this.log.record({ time: this.log.now(), ...this.where, frame: number, event, bytes, ...label, ...(toxic ? { toxic } : {}) });
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
