import type { Random } from '../random.ts';

// The world a node touches: its clock and timers, its network, its disk and its randomness, all from one object.
// The real environment (real.ts) is Node's own timers, sockets and files; a simulator passes one of its own, so
// that the same node code runs on virtual time, a simulated network and a disk that can lose power. Nothing else
// in nodes/ reaches the outside world directly.

/** A pending timer, to cancel; opaque to its user. */
export type Timer = object;

export interface Clock {
  /** Milliseconds on the wall clock (epoch ms): deadlines travel between nodes in it, log lines are stamped with it. */
  now(): number;
  setTimeout(run: () => void, ms: number): Timer;
  clearTimeout(timer: Timer | undefined): void;
  setInterval(run: () => void, ms: number): Timer;
  clearInterval(timer: Timer | undefined): void;
  /** Run `run` once the work of the current turn is done (setImmediate): where a node batches (group commit, log lines). */
  defer(run: () => void): void;
}

export interface Address {
  host: string;
  port: number;
}

/** The part of a TCP socket a node uses: bytes out, bytes in, and its end. */
export interface Socket {
  readonly destroyed: boolean;
  readonly closed: boolean;
  readonly remoteAddress?: string | undefined;
  readonly remotePort?: number | undefined;
  write(data: Uint8Array): boolean;
  /** Close after what was written has left. */
  end(): unknown;
  /** Close at once (a reset), dropping what was not sent. */
  destroy(): unknown;
  /** Hold writes until uncork (one segment burst); a simulated socket may ignore both. */
  cork(): void;
  uncork(): void;
  setNoDelay(noDelay?: boolean): unknown;
  on(event: 'data', listener: (chunk: Buffer) => void): unknown;
  on(event: 'close' | 'connect', listener: () => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
  once(event: 'close' | 'connect', listener: () => void): unknown;
  once(event: 'error', listener: (error: Error) => void): unknown;
}

export interface Listener {
  /** The port it is bound to (the one asked for, or the one given for port 0). */
  readonly port: number;
  /** Stop accepting; resolves once closed (open connections are the owner's to close). */
  close(): Promise<void>;
}

export interface Net {
  /** Listen on host:port; every accepted connection goes to `onConnection`. Rejects when the address is taken. */
  listen(address: Address, onConnection: (socket: Socket) => void): Promise<Listener>;
  /** Open a connection: the socket emits `connect`, or `error` then `close`. */
  connect(address: Address): Socket;
}

/** An open file: appends go to its end. */
export interface File {
  /** The whole content. */
  read(): Promise<Buffer>;
  /** Append synchronously (a node's journal writes its batch in one go). */
  appendSync(data: Uint8Array): void;
  /** fdatasync: what was appended is durable when it returns. */
  datasyncSync(): void;
  truncate(size: number): Promise<void>;
  /** fsync. */
  sync(): Promise<void>;
  close(): Promise<void>;
}

export interface Disk {
  mkdir(dir: string): Promise<void>;
  /** Open for appending, creating the file when missing. */
  openAppend(path: string): Promise<File>;
  /** Open empty (created or truncated). */
  openTruncate(path: string): Promise<File>;
  /** The whole file; rejects with code ENOENT when there is none. */
  readFile(path: string): Promise<Buffer>;
  rename(from: string, to: string): Promise<void>;
  /** fsync a directory, so that the names created or renamed in it survive a power loss. */
  syncDir(dir: string): Promise<void>;
}

export interface Env {
  clock: Clock;
  net: Net;
  disk: Disk;
  /** The node's generator when its config gives no seed (the real world draws from Math.random, a simulation from its seed). */
  unseededRandom(): Random;
  /** Where the node's log lines go; absent, to the process's log (stdout, batched per event-loop turn). */
  logOutput?: (text: string) => void;
}
