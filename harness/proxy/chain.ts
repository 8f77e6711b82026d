import type { Socket } from 'node:net';
import type { Clock } from '../../nodes/env/index.ts';
import { FrameCursor } from './frames.ts';
import type { Random } from '../random.ts';
import type { Attributes, StageContext, ToxicKind, ToxicStage } from './toxic.ts';
import type { WireTap } from './wire-log.ts';

/** A toxic as the proxy knows it (one per name); each connection runs its own stage of it. */
export interface ToxicSetting {
  readonly name: string;
  readonly kind: ToxicKind;
  toxicity: number;
  attributes: Attributes;
}

/** What a stage may do to the whole connection it belongs to. */
export interface ConnectionControl {
  /** The clock of the toxics' timers. */
  readonly clock: Clock;
  close(): void;
  reset(): void;
  /** Seeded decisions for one toxic on this connection; `purpose` keeps toxicity and per-frame draws apart. */
  random(toxic: string, purpose: string): Random;
}

interface Entry {
  readonly setting: ToxicSetting;
  /** Undefined when the toxicity draw said this toxic does not apply to this connection. */
  stage: ToxicStage | undefined;
  toxicity: number;
}

// Bytes held inside toxics (latency, bandwidth) before the source is paused: bounds memory, keeps TCP backpressure.
const PAUSE_ABOVE = 4 * 1024 * 1024;
const RESUME_BELOW = 1024 * 1024;

/**
 * One direction of one connection: bytes from `source` pass through the toxics of that direction, in the order
 * they were added, to `sink`. With no toxic, chunks go straight from one socket to the other in the data handler
 * (no buffering, no promises). Toxics join and leave while bytes flow: a joining toxic sees only bytes that come
 * after it, a leaving toxic hands on everything it held, so no byte is lost that no toxic chose to drop.
 */
export class ToxicChain {
  private entries: Entry[] = [];
  /** Frame boundaries as seen at the sink, so that a frame toxic joining a live stream starts on a boundary. */
  private readonly cursor = new FrameCursor();
  private inFlight = 0;
  private sinkBlocked = false;
  private ended = false;
  private disposed = false;

  constructor(
    private readonly source: Socket,
    private readonly sink: Socket,
    private readonly connection: ConnectionControl,
    /** Records each frame in and out, when the server keeps a wire log. */
    private readonly tap?: WireTap,
  ) {
    source.on('data', this.onData);
    source.on('end', this.onEnd);
    sink.on('drain', this.onDrain);
  }

  add(setting: ToxicSetting): void {
    if (this.disposed) return;
    const entry: Entry = { setting, stage: undefined, toxicity: setting.toxicity };
    this.entries.push(entry);
    this.draw(entry);
  }

  /** New attributes apply to the bytes that come next; a new toxicity draws again whether the toxic applies. */
  update(setting: ToxicSetting): void {
    const entry = this.entries.find((e) => e.setting === setting);
    if (!entry || entry.toxicity === setting.toxicity) return;
    entry.toxicity = setting.toxicity;
    this.take(entry);
    this.entries.push(entry);
    this.draw(entry);
  }

  /** The toxic is deleted; a kind that closes connections when removed closes this one, applied here or not. */
  remove(setting: ToxicSetting): void {
    const entry = this.entries.find((e) => e.setting === setting);
    if (!entry) return;
    this.take(entry);
    if (setting.kind.closesWhenRemoved) this.connection.close();
  }

  private take(entry: Entry): void {
    entry.stage?.detach();
    this.entries.splice(this.entries.indexOf(entry), 1);
    entry.stage = undefined;
  }

  /** The connection is going away: stop every toxic's timers; whatever they still emit goes nowhere. */
  dispose(): void {
    this.disposed = true;
    for (const entry of this.entries.splice(0)) entry.stage?.detach();
  }

  private draw(entry: Entry): void {
    const applies = this.connection.random(entry.setting.name, `toxicity ${entry.toxicity}`)() < entry.toxicity;
    entry.stage = applies ? entry.setting.kind.open(this.contextFor(entry)) : undefined;
  }

  private contextFor(entry: Entry): StageContext<Attributes> {
    const setting = entry.setting;
    return {
      attributes: () => setting.attributes,
      random: this.connection.random(setting.name, 'decisions'),
      clock: this.connection.clock,
      position: this.cursor.position(),
      emit: (chunk) => this.pushAfter(entry, chunk),
      emitEnd: () => this.endAfter(entry),
      discard: (bytes) => this.settle(bytes),
      report: (frame, fate, replacement) => this.tap?.fate(frame, fate, setting.name, replacement),
      close: () => this.connection.close(),
      reset: () => this.connection.reset(),
    };
  }

  private readonly onData = (chunk: Buffer): void => {
    if (this.disposed) return;
    this.tap?.in(chunk);
    if (this.entries.length === 0) {
      this.deliver(chunk);
      return;
    }
    this.inFlight += chunk.length;
    if (this.inFlight > PAUSE_ABOVE) this.source.pause();
    this.pushFrom(0, chunk);
  };

  private readonly onEnd = (): void => {
    this.endFrom(0);
  };

  private readonly onDrain = (): void => {
    this.sinkBlocked = false;
    if (this.inFlight < RESUME_BELOW) this.source.resume();
  };

  private pushAfter(entry: Entry, chunk: Buffer): void {
    const index = this.entries.indexOf(entry);
    if (index >= 0) this.pushFrom(index + 1, chunk);
  }

  private endAfter(entry: Entry): void {
    const index = this.entries.indexOf(entry);
    if (index >= 0) this.endFrom(index + 1);
  }

  private pushFrom(index: number, chunk: Buffer): void {
    for (let i = index; i < this.entries.length; i++) {
      const stage = this.entries[i]!.stage;
      if (stage) return stage.push(chunk);
    }
    this.settle(chunk.length);
    this.deliver(chunk);
  }

  private endFrom(index: number): void {
    for (let i = index; i < this.entries.length; i++) {
      const stage = this.entries[i]!.stage;
      if (stage) return stage.end();
    }
    if (this.ended || this.disposed) return;
    this.ended = true;
    if (!this.sink.destroyed) this.sink.end();
  }

  private deliver(chunk: Buffer): void {
    if (this.ended || this.disposed || this.sink.destroyed) return;
    this.cursor.advance(chunk);
    this.tap?.out(chunk);
    if (!this.sink.write(chunk) && !this.sinkBlocked) {
      this.sinkBlocked = true;
      this.source.pause();
    }
  }

  /** Bytes that left the toxics (delivered or dropped): resume the source once little is held. */
  private settle(bytes: number): void {
    this.inFlight = Math.max(0, this.inFlight - bytes);
    if (!this.sinkBlocked && this.inFlight < RESUME_BELOW && this.source.isPaused()) this.source.resume();
  }
}
